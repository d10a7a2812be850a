// FileStore over Supabase Storage, through @supabase/storage-js (the client supabase-js itself
// uses), authenticated with the project's service key: an opaque `sb_secret_…` key or the legacy
// service_role JWT (serviceKeyHeaders). Tested only against the local stand-in of Storage's REST
// API (scripts/storage, held to Storage's published OpenAPI document), never against hosted Storage.
import { StorageApiError, StorageClient } from "@supabase/storage-js";
import { serviceKeyHeaders } from "../auth/service-key.ts";
import {
  type FileStore,
  FileStoreError,
  type FolderEntry,
  mustBeObjectKey,
  type StoredObject,
} from "./file-store.ts";

export interface SupabaseStorageOptions {
  url: string; // project URL, e.g. https://<ref>.supabase.co
  /** The legacy service_role JWT or an opaque `sb_secret_…` key. */
  serviceRoleKey: string;
  bucket: string;
  fetch?: typeof fetch;
}

/**
 * Storage answers "no such object" as HTTP 400 with `statusCode: "404"` in the body (its error
 * handler sends 400 for every non-5xx error; src/http/error-handler.ts), which storage-js exposes as
 * the error's `statusCode` string; `NoSuchKey` is the code it names (`NoSuchBucket` shares the 404).
 */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof StorageApiError)) return false;
  if (error.code === "NoSuchKey") return true;
  // A missing bucket is a misconfigured deployment, not a missing object.
  return (error.statusCode === "404" || error.status === 404) && error.code !== "NoSuchBucket";
}

/** Any other refusal: the operation and Storage's own words, typed so the http layer maps it. */
function refused(operation: string, error: unknown): FileStoreError {
  if (error instanceof StorageApiError)
    return new FileStoreError(operation, `${error.statusCode} ${error.code ?? ""} ${error.message}`.trim(), {
      cause: error,
    });
  return new FileStoreError(operation, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

export function createSupabaseStorageStore(options: SupabaseStorageOptions): FileStore {
  const storageUrl = `${options.url.replace(/\/$/, "")}/storage/v1`;
  const client = new StorageClient(storageUrl, serviceKeyHeaders(options.serviceRoleKey), options.fetch);
  const bucket = () => client.from(options.bucket);

  /** Runs one storage-js call: its data, null when the object is missing (where allowed), or a typed error. */
  async function call<T>(
    operation: string,
    key: string,
    run: () => Promise<{ data: T; error: null } | { data: null; error: unknown }>,
    missing: "null" | "throw",
  ): Promise<T | null> {
    mustBeObjectKey(key);
    const { data, error } = await run();
    if (error === null) return data as T;
    if (isNotFound(error)) {
      if (missing === "null") return null;
      throw new FileStoreError(operation, `no object at ${key}`, { cause: error, notFound: true });
    }
    throw refused(operation, error);
  }

  return {
    kind: "supabase",
    async put(key, body) {
      // The body's own failure (e.g. the size cap's 413 raised while hashing) must come out as
      // itself, not as storage-js's wrapper of a failed fetch: it is read through here.
      let bytes = 0;
      let bodyError: unknown;
      const reader = body.getReader();
      const counted = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) return controller.close();
            bytes += value.byteLength;
            controller.enqueue(value);
          } catch (error) {
            bodyError = error;
            controller.error(error);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
      try {
        await call(
          "upload",
          key,
          () =>
            bucket().upload(key, counted, {
              upsert: true,
              contentType: "application/octet-stream",
              duplex: "half",
            }),
          "throw",
        );
      } catch (error) {
        throw bodyError ?? error;
      }
      return { bytes };
    },
    async get(key) {
      return call("download", key, () => bucket().download(key).asStream(), "null");
    },
    async stat(key): Promise<StoredObject | null> {
      const info = await call("info", key, () => bucket().info(key), "null");
      if (info === null) return null;
      if (typeof info.size !== "number") throw new FileStoreError("info", `Storage gave no size for ${key}`);
      return { bytes: info.size };
    },
    async move(from, to) {
      mustBeObjectKey(to);
      await call("move", from, () => bucket().move(from, to), "throw");
    },
    async delete(key) {
      // remove() answers the objects it deleted; a key that was already gone is not an error.
      await call("remove", key, () => bucket().remove([key]), "null");
    },
    async list(folder, page) {
      // Storage's list (POST /object/list) is one folder level; folders come back with id null.
      const sortBy =
        page.order === "name" ? { column: "name", order: "asc" } : { column: "updated_at", order: "asc" };
      const rows = await call(
        "list",
        folder,
        () => bucket().list(folder, { limit: page.limit, offset: page.offset, sortBy }),
        "null",
      );
      return (rows ?? []).flatMap((row): FolderEntry[] => {
        if (row.id === null) return [{ kind: "folder", name: row.name }];
        // An object Storage gives no time for cannot be judged old, so it is left out (never swept).
        const writtenAt = Date.parse(row.updated_at ?? row.created_at ?? "");
        return Number.isFinite(writtenAt) ? [{ kind: "object", name: row.name, writtenAt }] : [];
      });
    },
    async signedDownloadUrl(key, ttlSeconds) {
      const data = await call("sign", key, () => bucket().createSignedUrl(key, ttlSeconds), "throw");
      return data!.signedUrl;
    },
    async signedUploadUrl(key) {
      // Storage fixes signed upload URLs at 2 hours; the ttl argument cannot change that.
      const data = await call(
        "sign upload",
        key,
        () => bucket().createSignedUploadUrl(key, { upsert: true }),
        "throw",
      );
      return data!.signedUrl;
    },
  };
}
