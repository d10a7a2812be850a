// A run's result files: streamed into the FileStore as `result` files, then announced by a
// `file` event. Event seqs from the server start at 1e9 so they never collide with the seqs the
// worker assigns to the job's own events; a retried upload of the same content adds no event.
import type { Principal } from "../_shared/auth/authenticate.ts";
import { asService } from "../_shared/db/session.ts";
import { fileStaged, stageStream } from "../api/routes/file-ingest.ts";
import { asWorker, type WorkerApiDeps } from "./context.ts";

const SERVER_EVENT_SEQ_BASE = 1_000_000_000;

export async function uploadResult(
  deps: WorkerApiDeps,
  principal: Principal & { organizationId: string },
  runId: string,
  path: string,
  body: ReadableStream<Uint8Array>,
) {
  // Check the lease before streaming a possibly huge body.
  await asWorker(deps, principal, (tx) => tx`select public.assert_run_lease(${runId})`);
  const filename = path.split("/").at(-1) ?? path;
  const staged = await stageStream(deps.store, {
    org: principal.organizationId,
    purpose: "result",
    filename,
    body,
    maxBytes: deps.config.maxUploadBytes,
  });
  // Workers may not read their organization's files (RLS), so the row is written with the
  // service role — only after the lease check above, for this worker's own organization.
  const { file } = await asService(deps.sql, (tx) => fileStaged(tx, deps.store, staged));
  return asWorker(deps, principal, async (tx) => {
    await tx`select public.assert_run_lease(${runId})`;
    const fileId = String(file.id);
    const [seen] =
      await tx`select seq from public.events where run_id = ${runId} and type = 'file' and data ->> 'file_id' = ${fileId} and data ->> 'path' = ${path}`;
    if (seen) return { file_id: fileId, event_seq: Number(seen.seq) };
    const [next] =
      await tx`select greatest(${SERVER_EVENT_SEQ_BASE}, coalesce(max(seq), 0) + 1) as seq from public.events where run_id = ${runId} and seq >= ${SERVER_EVENT_SEQ_BASE}`;
    const seq = Number(next!.seq);
    const data = { type: "file", file_id: fileId, file: fileId, path, bytes: Number(file.bytes) };
    await tx`select public.append_run_events(${runId}, ${tx.json([{ seq, data }] as never)})`;
    return { file_id: fileId, event_seq: seq };
  });
}
