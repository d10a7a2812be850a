// Streams an upload into the FileStore while hashing, counting and (for datasets) validating it,
// then files it under its content-addressed id. Identical content in the same organization is
// stored once: the second upload returns the first one's row.
import { DatasetValidator } from "../contract/dataset-validator.ts";
import { hasContentRules } from "../contract/datasets.ts";
import { FileObject } from "../contract/files.ts";
import { rowMapper } from "../db/row-mapper.ts";
import type { Tx } from "../db/session.ts";
import { ApiError } from "../http/api-error.ts";
import { fileIdFromOrgHash, HashingCounter } from "./file-id.ts";
import { type FileStore, FileStoreError, objectKey, stagingKey } from "./file-store.ts";

export const FILE_COLUMNS = "id, organization_id, filename, purpose, bytes, sha256, created_at";

/** A files row (FILE_COLUMNS, optionally job_id/run_id) as the contract's FileObject. */
export const fileToWire = rowMapper(FileObject);

export interface IngestResult {
  file: Record<string, unknown>;
  created: boolean;
}

export interface StagedFile {
  org: string;
  purpose: string;
  filename: string;
  staging: string;
  bytes: number;
  sha256: string;
  id: string;
}

/**
 * A body whose content-length already exceeds the cap is refused before anything is written: the
 * disk store could otherwise leave an empty partial file behind when the first chunk fails.
 */
export function refuseDeclaredOversize(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, "payload_too_large", `the file exceeds ${maxBytes} bytes`);
}

/** Streams the body to a staging key (no database connection is held meanwhile). */
export async function stageStream(
  store: FileStore,
  input: {
    org: string;
    purpose: string;
    filename: string;
    body: ReadableStream<Uint8Array>;
    maxBytes: number;
  },
): Promise<StagedFile> {
  const counter = new HashingCounter(
    input.maxBytes,
    () => new ApiError(413, "payload_too_large", `the file exceeds ${input.maxBytes} bytes`),
  );
  const validator = hasContentRules(input.purpose) ? new DatasetValidator(input.purpose) : null;
  const validating = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      validator?.feed(chunk);
      controller.enqueue(chunk);
    },
  });
  const staging = stagingKey(input.org, crypto.randomUUID());
  try {
    await store.put(staging, input.body.pipeThrough(counter.stream).pipeThrough(validating));
  } catch (error) {
    await store.delete(staging).catch(() => {});
    // The store's own refusal is not the caller's broken body: it travels on as a 503.
    throw error instanceof ApiError || error instanceof FileStoreError
      ? error
      : new ApiError(400, "invalid_request", "the upload was interrupted");
  }
  const verdict = validator?.finish();
  if (verdict && !verdict.ok) {
    await store.delete(staging);
    throw invalidFile(input.purpose, verdict.errors);
  }
  const { sha256, orgSha256 } = counter.digests(input.org);
  return {
    org: input.org,
    purpose: input.purpose,
    filename: input.filename,
    staging,
    bytes: counter.bytes,
    sha256,
    id: fileIdFromOrgHash(input.purpose, orgSha256),
  };
}

export function invalidFile(purpose: string, errors: { line: number; message: string }[]): ApiError {
  const first = errors[0];
  return new ApiError(
    400,
    "invalid_file",
    `the file is not a valid ${purpose} dataset${first ? ` (line ${first.line}: ${first.message})` : ""}`,
    errors.map((e) => ({ path: `line ${e.line}`, message: e.message })),
  );
}

/** Moves staged bytes to their final key and records the row, unless the file already exists. */
export async function fileStaged(tx: Tx, store: FileStore, f: StagedFile): Promise<IngestResult> {
  // Ids are unique per organization (organization_id, id), never across organizations.
  const byKey = `select ${FILE_COLUMNS} from public.files where organization_id = $1 and id = $2`;
  const existing = await tx.unsafe(byKey, [f.org, f.id]);
  if (existing[0]) {
    await store.delete(f.staging);
    return { file: existing[0], created: false };
  }
  await moveStaged(store, f.staging, objectKey(f.org, f.id));
  const inserted = await tx.unsafe(
    `insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ($1, $2, $3, $4, $5, $6)
     on conflict (organization_id, id) do nothing returning ${FILE_COLUMNS}`,
    [f.id, f.org, f.filename, f.purpose, f.bytes, f.sha256],
  );
  if (inserted[0]) return { file: inserted[0], created: true };
  const [raced] = await tx.unsafe(byKey, [f.org, f.id]);
  if (!raced) throw new ApiError(409, "conflict", "the file was deleted while it was being uploaded; retry");
  return { file: raced, created: false };
}

/**
 * Moves staged bytes to their final key, before any row names them. Staged bytes gone meanwhile
 * (swept as abandoned, or a concurrent complete took them) are the caller's stale ticket: 409
 * naming upload_id, and nothing is registered.
 */
export async function moveStaged(store: FileStore, staging: string, final: string): Promise<void> {
  try {
    await store.move(staging, final);
  } catch (error) {
    if (error instanceof FileStoreError && error.notFound) throw stagedGone();
    throw error;
  }
}

const stagedGone = () =>
  new ApiError(
    409,
    "conflict",
    "the uploaded bytes are gone (the upload expired); ask for a new upload URL",
    [{ path: "upload_id", message: "no uploaded object" }],
  );
