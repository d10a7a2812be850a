// Result files uploaded straight to storage (issue 11: through the function, every byte of a
// checkpoint met the hosted request limits). Three steps, each safe to repeat:
// 1. ticket: the worker declares path, size and hashes; under its run's lease it gets a signed
//    upload URL for a fresh staging key and an `upload_id` (a signed token naming the run, the
//    staging key and what was declared). Nothing is written anywhere.
// 2. the worker PUTs the bytes to the URL (Storage, or the api's local-files route locally).
// 3. finalize: under the lease, the staged object must exist with the declared size (Storage's own
//    count) and, where the store can tell without streaming it through here, the declared hashes;
//    then it moves to the file's content-addressed key, the `files` row is inserted (on conflict
//    nothing) and the `file` event appended (deduplicated in SQL). A worker killed before finalize
//    leaves only an unregistered staging object, which the scale tick sweeps once its ticket is long
//    dead (_shared/files/staging-sweep.ts); a repeated finalize finds the row (or the moved object)
//    and answers the same file id and event seq.
import { z } from "zod";
import type { Principal } from "../_shared/auth/authenticate.ts";
import type { ResultUploadRequest, ResultUploadTicket } from "../_shared/contract/worker-protocol.ts";
import { asService, type Tx } from "../_shared/db/session.ts";
import { fileIdFromOrgHash } from "../_shared/files/file-id.ts";
import { FILE_COLUMNS, moveStaged } from "../_shared/files/file-ingest.ts";
import { type FileStore, objectKey, stagingKey, UPLOAD_TICKET_SECONDS } from "../_shared/files/file-store.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { parseWith } from "../_shared/http/base-app.ts";
import { asWorker, type WorkerApiDeps } from "./context.ts";

const PendingResult = z.object({
  org: z.string(),
  run_id: z.string(),
  path: z.string(),
  file_id: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  org_sha256: z.string(),
  /** null: the file already existed when the ticket was given; nothing to upload. */
  staging: z.string().nullable(),
});
type PendingResult = z.infer<typeof PendingResult>;

type WorkerPrincipal = Principal & { organizationId: string };

const assertLease = (deps: WorkerApiDeps, principal: WorkerPrincipal, runId: string) =>
  asWorker(deps, principal, (tx) => tx`select public.assert_run_lease(${runId})`);

export async function createResultUpload(
  deps: WorkerApiDeps,
  principal: WorkerPrincipal,
  runId: string,
  request: ResultUploadRequest,
): Promise<ResultUploadTicket> {
  const limit = deps.config.maxUploadBytes;
  if (request.bytes > limit)
    throw new ApiError(413, "payload_too_large", `the file exceeds ${limit} bytes`, [
      { path: "bytes", message: `at most ${limit}` },
    ]);
  await assertLease(deps, principal, runId);
  const org = principal.organizationId;
  const fileId = fileIdFromOrgHash("result", request.org_sha256);
  // Workers may not read their organization's files (RLS): the service role looks, in this org only.
  const [existing] = await asService(
    deps.sql,
    (tx) => tx`select 1 from public.files where organization_id = ${org} and id = ${fileId}`,
  );
  const staging = existing ? null : stagingKey(org, crypto.randomUUID());
  const pending: PendingResult = { org, run_id: runId, file_id: fileId, staging, ...request };
  return {
    file_id: fileId,
    upload_url: staging ? await deps.store.signedUploadUrl(staging, UPLOAD_TICKET_SECONDS) : null,
    upload_id: await deps.signer.sign({ result_upload: pending }, UPLOAD_TICKET_SECONDS),
    expires_at: new Date(Date.now() + UPLOAD_TICKET_SECONDS * 1000).toISOString(),
  };
}

export async function finalizeResultUpload(
  deps: WorkerApiDeps,
  principal: WorkerPrincipal,
  runId: string,
  uploadId: string,
): Promise<{ file_id: string; event_seq: number }> {
  const claims = await deps.signer.verify(uploadId).catch(() => {
    throw invalidUploadId("is not valid or has expired");
  });
  const pending = parseWith(PendingResult, claims.result_upload, "upload_id");
  if (pending.org !== principal.organizationId || pending.run_id !== runId)
    throw invalidUploadId("belongs to another run");
  await assertLease(deps, principal, runId);
  await asService(deps.sql, (tx) => registerUploaded(tx, deps.store, pending));
  // The event (seq, dedup of a repeated finalize) is assigned in SQL, under the run's lease lock.
  return asWorker(deps, principal, async (tx) => {
    const [row] =
      await tx`select public.append_result_file_event(${runId}, ${pending.file_id}, ${pending.path}, ${pending.bytes}) as seq`;
    return { file_id: pending.file_id, event_seq: Number(row!.seq) };
  });
}

const invalidUploadId = (why: string) =>
  new ApiError(400, "invalid_request", `upload_id ${why}`, [{ path: "upload_id", message: why }]);

/** Files the staged object under its content-addressed key, once it is what was declared. */
async function registerUploaded(tx: Tx, store: FileStore, p: PendingResult): Promise<void> {
  const byKey = `select ${FILE_COLUMNS} from public.files where organization_id = $1 and id = $2`;
  const final = objectKey(p.org, p.file_id);
  if ((await tx.unsafe(byKey, [p.org, p.file_id]))[0]) {
    if (p.staging) await store.delete(p.staging);
    return;
  }
  // Staged (the usual case) or already moved by a finalize that stopped before the insert.
  const staged = p.staging ? await store.stat(p.staging) : null;
  const at = staged ? p.staging! : final;
  const stored = staged ?? (await store.stat(final));
  if (!stored)
    throw new ApiError(
      409,
      "conflict",
      "nothing was uploaded to the signed URL (or the file was deleted); ask again",
      [{ path: "upload_id", message: "no uploaded object" }],
    );
  await mustMatchDeclared(store, at, stored.bytes, p);
  if (at !== final) await placeAt(store, at, final, p.bytes);
  await tx.unsafe(
    `insert into public.files (id, organization_id, filename, purpose, bytes, sha256)
     values ($1, $2, $3, 'result', $4, $5) on conflict (organization_id, id) do nothing`,
    [p.file_id, p.org, p.path.split("/").at(-1) ?? p.path, p.bytes, p.sha256],
  );
}

/** Size always (the store's own count); hashes where the store can compute them in place. */
async function mustMatchDeclared(
  store: FileStore,
  key: string,
  bytes: number,
  p: PendingResult,
): Promise<void> {
  const refuse = async (field: string, message: string) => {
    await store.delete(key);
    throw new ApiError(400, "invalid_request", message, [
      { path: field, message: "does not match the upload" },
    ]);
  };
  if (bytes !== p.bytes) await refuse("bytes", `uploaded ${bytes} bytes but declared ${p.bytes}`);
  const digests = store.digests ? await store.digests(key, p.org) : null;
  if (digests && digests.sha256 !== p.sha256)
    await refuse("sha256", "the uploaded bytes do not have the declared sha256");
  if (digests && digests.orgSha256 !== p.org_sha256)
    await refuse("org_sha256", "the uploaded bytes do not have the declared org_sha256");
}

/**
 * Moves the staged object to the file's key. Where that key already holds the file (a concurrent
 * finalize of the same content won), the staged copy is dropped instead.
 */
async function placeAt(store: FileStore, staging: string, final: string, bytes: number): Promise<void> {
  if (!(await store.stat(final))) {
    try {
      await moveStaged(store, staging, final);
      return;
    } catch (error) {
      const there = await store.stat(final);
      if (!there || there.bytes !== bytes) throw error;
    }
  }
  await store.delete(staging);
}
