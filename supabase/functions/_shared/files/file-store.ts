/**
 * Where file bytes live. Two adapters: Supabase Storage (hosted) and local disk (local stack,
 * with signed URLs served by the api). Bodies are streams: nothing reads a whole file into memory.
 */
export interface StoredObject {
  bytes: number;
}

export interface FileStore {
  readonly kind: "local" | "supabase";
  put(key: string, body: ReadableStream<Uint8Array>): Promise<StoredObject>;
  get(key: string): Promise<ReadableStream<Uint8Array> | null>;
  stat(key: string): Promise<StoredObject | null>;
  move(from: string, to: string): Promise<void>;
  delete(key: string): Promise<void>;
  signedDownloadUrl(key: string, ttlSeconds: number): Promise<string>;
  signedUploadUrl(key: string, ttlSeconds: number): Promise<string>;
}

/** Storage layout: one folder per organization (Storage policies key on it). */
export function objectKey(organizationId: string, fileId: string): string {
  return `organizations/${organizationId}/${fileId}`;
}

export function stagingKey(organizationId: string, token: string): string {
  return `staging/${organizationId}/${token}`;
}
