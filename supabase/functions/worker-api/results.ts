// A run's result files: streamed into the FileStore as `result` files, then announced by a
// `file` event (public.append_result_file_event: seqs from 1e9 up, so they never collide with the
// seqs the worker assigns to the job's own events; a retried upload of the same content adds none).
import type { Principal } from "../_shared/auth/authenticate.ts";
import { asService } from "../_shared/db/session.ts";
import { fileStaged, stageStream } from "../_shared/files/file-ingest.ts";
import { asWorker, type WorkerApiDeps } from "./context.ts";

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
  // The event (seq, dedup of a retried upload) is assigned in SQL, under the run's lease lock.
  return asWorker(deps, principal, async (tx) => {
    const fileId = String(file.id);
    const [row] =
      await tx`select public.append_result_file_event(${runId}, ${fileId}, ${path}, ${Number(file.bytes)}) as seq`;
    return { file_id: fileId, event_seq: Number(row!.seq) };
  });
}
