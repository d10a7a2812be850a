// The Storage stand-in's objects: bytes in files under one folder, metadata in memory. Errors are
// Storage's own (src/internal/errors/codes.ts: code, `statusCode` as a string), so the stand-in's
// answers carry what storage-js reads.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";

export class StorageFailure extends Error {
  constructor(
    /** The HTTP status Storage renders into `statusCode` (its answers' HTTP status is 400 for all but 5xx). */
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly error: string = code,
  ) {
    super(message);
  }
}

export const noSuchKey = () => new StorageFailure(404, "NoSuchKey", "Object not found", "not_found");
export const noSuchBucket = () =>
  new StorageFailure(404, "NoSuchBucket", "Bucket not found", "Bucket not found");

// Storage's object key rule (src/storage/limits.ts isValidKey, read 2026-12-04): S3-safe characters
// only, never empty. The stand-in also refuses `.`/`..` segments, which it would otherwise resolve.
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;

export function mustBeValidKey(key: string): void {
  const dots = key.split("/").some((s) => s === "." || s === "..");
  if (key.length === 0 || !VALID_OBJECT_KEY.test(key) || dots)
    throw new StorageFailure(400, "InvalidKey", `Invalid key: ${key}`);
}

export interface ObjectMeta {
  id: string;
  bucket: string;
  name: string;
  size: number;
  contentType: string;
  cacheControl: string;
  etag: string;
  createdAt: string;
  updatedAt: string;
}

export class ObjectStore {
  readonly #root: string;
  readonly #buckets: Set<string>;
  readonly #meta = new Map<string, ObjectMeta>();
  /** Bytes received in upload bodies since start (a benchmark reads it). */
  bytesReceived = 0;

  constructor(root: string, buckets: readonly string[]) {
    this.#root = resolve(root);
    this.#buckets = new Set(buckets);
  }

  #file(bucket: string, key: string): string {
    if (!this.#buckets.has(bucket)) throw noSuchBucket();
    mustBeValidKey(key);
    const full = resolve(this.#root, bucket, key);
    if (!full.startsWith(this.#root + sep))
      throw new StorageFailure(400, "InvalidKey", `Invalid key: ${key}`);
    return full;
  }

  /** Throws Storage's error for an unknown bucket or an invalid key. */
  checkTarget(bucket: string, key: string): void {
    this.#file(bucket, key);
  }

  info(bucket: string, key: string): ObjectMeta {
    this.#file(bucket, key);
    const meta = this.#meta.get(`${bucket}/${key}`);
    if (!meta) throw noSuchKey();
    return meta;
  }

  async write(
    bucket: string,
    key: string,
    body: ReadableStream<Uint8Array> | null,
    options: { upsert: boolean; contentType: string; cacheControl: string; maxBytes: number },
  ): Promise<ObjectMeta> {
    const target = this.#file(bucket, key);
    const existing = this.#meta.get(`${bucket}/${key}`);
    if (existing && !options.upsert)
      throw new StorageFailure(409, "Duplicate", "The resource already exists", "Duplicate");
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${crypto.randomUUID()}`;
    let size = 0;
    const counted = (body ?? new Blob([]).stream()).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          size += chunk.byteLength;
          this.bytesReceived += chunk.byteLength;
          if (size > options.maxBytes)
            controller.error(
              new StorageFailure(
                413,
                "EntityTooLarge",
                "The object exceeded the maximum allowed size",
                "Payload too large",
              ),
            );
          else controller.enqueue(chunk);
        },
      }),
    );
    try {
      await pipeline(Readable.fromWeb(counted as NodeWebStream), createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const now = new Date().toISOString();
    const meta: ObjectMeta = {
      id: existing?.id ?? crypto.randomUUID(),
      bucket,
      name: key,
      size,
      contentType: options.contentType,
      cacheControl: options.cacheControl,
      etag: `"${crypto.randomUUID().replaceAll("-", "")}"`,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.#meta.set(`${bucket}/${key}`, meta);
    return meta;
  }

  async read(bucket: string, key: string): Promise<{ meta: ObjectMeta; body: ReadableStream<Uint8Array> }> {
    const meta = this.info(bucket, key);
    const file = this.#file(bucket, key);
    await stat(file);
    return { meta, body: Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array> };
  }

  async move(bucket: string, from: string, to: string): Promise<void> {
    const meta = this.info(bucket, from);
    const target = this.#file(bucket, to);
    if (this.#meta.has(`${bucket}/${to}`))
      throw new StorageFailure(409, "Duplicate", "The resource already exists", "Duplicate");
    // The metadata moves before the first await, so a concurrent move of the same key finds it
    // gone (NoSuchKey), as Storage's database row would be.
    this.#meta.delete(`${bucket}/${from}`);
    this.#meta.set(`${bucket}/${to}`, { ...meta, name: to, updatedAt: new Date().toISOString() });
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(this.#file(bucket, from), target);
    } catch (error) {
      this.#meta.delete(`${bucket}/${to}`);
      this.#meta.set(`${bucket}/${from}`, meta);
      throw error;
    }
  }

  /** Deletes the named objects that exist; answers their metadata (missing names are skipped). */
  async remove(bucket: string, keys: readonly string[]): Promise<ObjectMeta[]> {
    const removed: ObjectMeta[] = [];
    for (const key of keys) {
      const meta = this.#meta.get(`${bucket}/${key}`);
      if (!meta) continue;
      await rm(this.#file(bucket, key), { force: true });
      this.#meta.delete(`${bucket}/${key}`);
      removed.push(meta);
    }
    return removed;
  }

  /**
   * One folder level, as Storage's list answers it: objects directly under `prefix` (treated as a
   * folder) and the sub-folders holding the rest (Storage's `storage.search`), names relative to it.
   */
  list(
    bucket: string,
    prefix: string,
  ): ({ folder: true; name: string } | { folder: false; name: string; meta: ObjectMeta })[] {
    if (!this.#buckets.has(bucket)) throw noSuchBucket();
    const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    const folders = new Set<string>();
    const objects: { folder: false; name: string; meta: ObjectMeta }[] = [];
    for (const meta of this.#meta.values()) {
      if (meta.bucket !== bucket || !meta.name.startsWith(base)) continue;
      const rest = meta.name.slice(base.length);
      const slash = rest.indexOf("/");
      if (slash === -1) objects.push({ folder: false, name: rest, meta });
      else folders.add(rest.slice(0, slash));
    }
    return [...[...folders].map((name) => ({ folder: true as const, name })), ...objects];
  }

  /** Tests: pretend an object was last written at `at` (Storage's clock cannot be moved). */
  backdate(bucket: string, key: string, at: Date): void {
    const meta = this.info(bucket, key);
    this.#meta.set(`${bucket}/${key}`, { ...meta, createdAt: at.toISOString(), updatedAt: at.toISOString() });
  }

  /** Every stored key of a bucket (tests look for leftovers). */
  keys(bucket: string): string[] {
    return [...this.#meta.values()].filter((m) => m.bucket === bucket).map((m) => m.name);
  }
}
