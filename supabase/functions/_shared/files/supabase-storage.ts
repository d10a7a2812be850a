// FileStore over Supabase Storage's REST API (service-role key). Shapes from Storage's published
// API: object upload/download/info/move/remove and signed URLs. Only tested against a fake here.
import { serviceKeyHeaders } from "../auth/service-key.ts";
import type { FileStore, StoredObject } from "./file-store.ts";

export interface SupabaseStorageOptions {
  url: string; // project URL, e.g. https://<ref>.supabase.co
  /** The legacy service_role JWT or an opaque `sb_secret_…` key. */
  serviceRoleKey: string;
  bucket: string;
  fetch?: typeof fetch;
}

export function createSupabaseStorageStore(options: SupabaseStorageOptions): FileStore {
  const base = `${options.url.replace(/\/$/, "")}/storage/v1`;
  const doFetch = options.fetch ?? fetch;
  const headers = serviceKeyHeaders(options.serviceRoleKey);
  const path = (key: string) =>
    `${encodeURIComponent(options.bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const call = async (url: string, init: RequestInit, allow404 = false) => {
    const res = await doFetch(url, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    if (allow404 && (res.status === 404 || res.status === 400)) return null;
    if (!res.ok)
      throw new Error(
        `storage ${init.method ?? "GET"} ${url.replace(base, "")} failed: ${res.status} ${await res.text()}`,
      );
    return res;
  };
  return {
    kind: "supabase",
    async put(key, body) {
      let bytes = 0;
      const counted = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(c, ctl) {
            bytes += c.byteLength;
            ctl.enqueue(c);
          },
        }),
      );
      await call(`${base}/object/${path(key)}`, {
        method: "POST",
        body: counted,
        headers: { "x-upsert": "true", "content-type": "application/octet-stream" },
        duplex: "half",
      } as RequestInit);
      return { bytes };
    },
    async get(key) {
      const res = await call(`${base}/object/authenticated/${path(key)}`, { method: "GET" }, true);
      return res?.body ?? null;
    },
    async stat(key): Promise<StoredObject | null> {
      const res = await call(`${base}/object/info/authenticated/${path(key)}`, { method: "GET" }, true);
      if (!res) return null;
      const info = (await res.json()) as { size?: number; metadata?: { size?: number } };
      return { bytes: Number(info.size ?? info.metadata?.size ?? 0) };
    },
    async move(from, to) {
      await call(`${base}/object/move`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ bucketId: options.bucket, sourceKey: from, destinationKey: to }),
      });
    },
    async delete(key) {
      await call(
        `${base}/object/${encodeURIComponent(options.bucket)}`,
        {
          method: "DELETE",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prefixes: [key] }),
        },
        true,
      );
    },
    async signedDownloadUrl(key, ttlSeconds) {
      const res = await call(`${base}/object/sign/${path(key)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ expiresIn: ttlSeconds }),
      });
      const { signedURL } = (await res!.json()) as { signedURL: string };
      return `${base}${signedURL.startsWith("/") ? "" : "/"}${signedURL}`;
    },
    async signedUploadUrl(key) {
      // Storage fixes signed upload URLs at 2 hours; the ttl argument cannot change that.
      const res = await call(`${base}/object/upload/sign/${path(key)}`, {
        method: "POST",
        headers: { "x-upsert": "true" },
      });
      const { url } = (await res!.json()) as { url: string };
      return `${base}${url.startsWith("/") ? "" : "/"}${url}`;
    },
  };
}
