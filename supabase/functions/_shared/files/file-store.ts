/**
 * Where file bytes live. Two adapters: Supabase Storage (hosted) and local disk (local stack,
 * with signed URLs served by the api). Bodies are streams: nothing reads a whole file into memory.
 */
export interface StoredObject {
  bytes: number;
}

/** One entry of a folder: a sub-folder, or an object with the time of its last write (epoch ms). */
export type FolderEntry =
  | { kind: "folder"; name: string }
  | { kind: "object"; name: string; writtenAt: number };

/** A page of a folder's entries, by name or oldest write first (what Storage's list can sort by). */
export interface FolderPage {
  limit: number;
  offset: number;
  order: "name" | "oldest";
}

export interface FileStore {
  readonly kind: "local" | "supabase";
  put(key: string, body: ReadableStream<Uint8Array>): Promise<StoredObject>;
  get(key: string): Promise<ReadableStream<Uint8Array> | null>;
  stat(key: string): Promise<StoredObject | null>;
  move(from: string, to: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** The direct entries of a folder (not recursive; names relative to it); [] when there is none. */
  list(folder: string, page: FolderPage): Promise<FolderEntry[]>;
  signedDownloadUrl(key: string, ttlSeconds: number): Promise<string>;
  signedUploadUrl(key: string, ttlSeconds: number): Promise<string>;
  /**
   * sha256(content) and sha256(content ‖ org) of a stored object, where the store can read it
   * without the bytes passing through a function (local disk). Absent where it cannot: Supabase
   * Storage keeps no content hash, and hashing there would stream the object through the function.
   */
  digests?(key: string, organizationId: string): Promise<{ sha256: string; orgSha256: string } | null>;
}

/**
 * A store refused or failed an operation (e.g. Storage refused the service key). `notFound`: the
 * object an operation needed is not there. The http layer answers 503 storage_unavailable (a
 * misconfigured or unreachable store is the deployment's problem, not the caller's) or 404.
 */
export class FileStoreError extends Error {
  readonly notFound: boolean;
  constructor(
    readonly operation: string,
    detail: string,
    options: { cause?: unknown; notFound?: boolean } = {},
  ) {
    super(`file store ${operation} failed: ${detail}`, { cause: options.cause });
    this.name = "FileStoreError";
    this.notFound = options.notFound ?? false;
  }
}

// Our keys are `organizations/<org>/<file id>` and `staging/<org>/<token>`: segments of letters,
// digits and `_.:=@+-` (a subset of Storage's S3-safe key characters), never `.` or `..`.
const KEY_SEGMENT = /^[A-Za-z0-9_.:=@+-]+$/;

/** Refuses a key no adapter should be handed (an empty, absolute or escaping path). */
export function mustBeObjectKey(key: string): void {
  const segments = key.split("/");
  if (segments.some((s) => !KEY_SEGMENT.test(s) || s === "." || s === ".."))
    throw new FileStoreError("key check", `invalid object key ${JSON.stringify(key.slice(0, 200))}`);
}

/** Storage layout: one folder per organization (Storage policies key on it). */
export function objectKey(organizationId: string, fileId: string): string {
  return `organizations/${organizationId}/${fileId}`;
}

/**
 * How long a signed upload ticket (URL and upload_id) lives: Storage fixes signed upload URLs at two
 * hours. The staging sweep's age bound must exceed it (scale/env.ts), so that no upload that can
 * still be finalized is swept.
 */
export const UPLOAD_TICKET_SECONDS = 7200;

export function stagingKey(organizationId: string, token: string): string {
  return `staging/${organizationId}/${token}`;
}
