// The Supabase Storage FileStore adapter (storage-js) against the local Storage stand-in, which
// holds every request and answer to Storage's published OpenAPI document: round trips, signed
// URLs, the typed not-found, bad keys and refused keys, with the new opaque secret key and with a
// legacy service_role JWT.
import { randomBytes } from "node:crypto";
import { StorageClient } from "@supabase/storage-js";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StorageStandIn, startStorageStandIn } from "../../scripts/storage/server.ts";
import { type FileStore, FileStoreError } from "../../supabase/functions/_shared/files/file-store.ts";
import { createSupabaseStorageStore } from "../../supabase/functions/_shared/files/supabase-storage.ts";

const JWT_SECRET = randomBytes(32).toString("hex");
const SECRET_KEY = `sb_secret_${randomBytes(16).toString("hex")}`;
const BUCKET = "files";
let standIn: StorageStandIn;

const legacyKey = (role: string, secret = JWT_SECRET) =>
  new SignJWT({ role, iss: "supabase" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));

beforeAll(async () => {
  standIn = await startStorageStandIn({ jwtSecret: JWT_SECRET, secretKeys: [SECRET_KEY], buckets: [BUCKET] });
});
afterAll(async () => {
  await standIn?.close();
});

const storeWith = (key: string, bucket = BUCKET) =>
  createSupabaseStorageStore({ url: standIn.url, serviceRoleKey: key, bucket });

/** A body in several chunks, as a request body or a disk file arrives. */
function chunked(bytes: Uint8Array, size = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
}

const readAll = async (stream: ReadableStream<Uint8Array> | null) =>
  stream === null ? null : new Uint8Array(await new Response(stream).arrayBuffer());

describe.each([
  ["an opaque sb_secret_ key", async () => SECRET_KEY],
  ["a legacy service_role JWT", () => legacyKey("service_role")],
])("the Supabase Storage store with %s", (_name, key) => {
  let store: FileStore;
  const org = crypto.randomUUID();
  beforeAll(async () => {
    store = storeWith(await key());
  });

  it("stores, describes, streams back, moves and deletes an object", async () => {
    const bytes = randomBytes(300 * 1024 + 17);
    const staging = `staging/${org}/${crypto.randomUUID()}`;
    expect(await store.put(staging, chunked(bytes))).toEqual({ bytes: bytes.length });
    expect(await store.stat(staging)).toEqual({ bytes: bytes.length });
    expect(Buffer.from((await readAll(await store.get(staging)))!)).toEqual(bytes);
    const final = `organizations/${org}/result:file-${randomBytes(6).toString("hex")}`;
    await store.move(staging, final);
    expect(await store.stat(staging)).toBeNull();
    expect(await store.stat(final)).toEqual({ bytes: bytes.length });
    await store.delete(final);
    expect(await store.get(final)).toBeNull();
    expect(standIn.state.objects.keys(BUCKET)).not.toContain(final);
  });

  it("overwrites an existing key (uploads are upserts)", async () => {
    const key = `organizations/${org}/custom:file-overwrite`;
    await store.put(key, chunked(new TextEncoder().encode("first")));
    await store.put(key, chunked(new TextEncoder().encode("second!")));
    expect(new TextDecoder().decode((await readAll(await store.get(key)))!)).toBe("second!");
  });

  it("hands out a signed download URL that anyone can read and a signed upload URL anyone can write", async () => {
    const key = `organizations/${org}/custom:file-signed`;
    await store.put(key, chunked(new TextEncoder().encode("signed bytes")));
    const download = await store.signedDownloadUrl(key, 60);
    expect(download.startsWith(`${standIn.url}/storage/v1/object/sign/${BUCKET}/`)).toBe(true);
    const got = await fetch(download);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("signed bytes");

    const target = `staging/${org}/${crypto.randomUUID()}`;
    const upload = await store.signedUploadUrl(target, 7200);
    const put = await fetch(upload, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: "uploaded without a key",
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(await store.stat(target)).toEqual({ bytes: "uploaded without a key".length });
  });

  it("reports a missing object as null to get/stat/delete and as a typed not-found to move", async () => {
    const missing = `organizations/${org}/custom:file-missing`;
    expect(await store.get(missing)).toBeNull();
    expect(await store.stat(missing)).toBeNull();
    await expect(store.delete(missing)).resolves.toBeUndefined();
    const moved = await store.move(missing, `organizations/${org}/custom:file-elsewhere`).catch((e) => e);
    expect(moved).toBeInstanceOf(FileStoreError);
    expect((moved as FileStoreError).notFound).toBe(true);
  });

  it("passes the body's own error through unchanged (a size cap's 413 stays a 413)", async () => {
    const capped = new Error("the body's own failure");
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(capped);
        sent = true;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    await expect(store.put(`staging/${org}/${crypto.randomUUID()}`, failing)).rejects.toBe(capped);
  });

  it("refuses a bad key before asking Storage", async () => {
    const before = standIn.state.requests.length;
    for (const bad of ["", "../escape", "staging//double", "/absolute", "with space/x", "a/./b"]) {
      const error = await store.put(bad, chunked(new Uint8Array(1))).catch((e) => e);
      expect(error, bad).toBeInstanceOf(FileStoreError);
      expect((error as FileStoreError).notFound).toBe(false);
      await expect(store.stat(bad)).rejects.toBeInstanceOf(FileStoreError);
    }
    expect(standIn.state.requests.length).toBe(before);
  });
});

describe("the Supabase Storage store with a key Storage refuses", () => {
  it.each([
    [
      "an unknown sb_secret_ key",
      async () => `sb_secret_${randomBytes(16).toString("hex")}`,
      /Invalid API key/,
    ],
    [
      "a JWT signed with another secret",
      () => legacyKey("service_role", "another-secret"),
      /invalid signature/,
    ],
    ["an anon JWT (not the service role)", () => legacyKey("anon"), /Invalid role/],
  ])("surfaces %s as a typed error, not as a missing object", async (_name, key, words) => {
    const store = storeWith(await key());
    const org = crypto.randomUUID();
    for (const attempt of [
      () => store.put(`staging/${org}/x`, chunked(new Uint8Array(4))),
      () => store.stat(`staging/${org}/x`),
      () => store.get(`staging/${org}/x`),
      () => store.signedUploadUrl(`staging/${org}/x`, 60),
    ]) {
      const error = await attempt().catch((e) => e);
      expect(error).toBeInstanceOf(FileStoreError);
      expect((error as FileStoreError).notFound).toBe(false);
      expect((error as Error).message).toMatch(words);
    }
  });

  it("surfaces an unknown bucket as a typed error", async () => {
    const error = await storeWith(SECRET_KEY, "no-such-bucket")
      .put(`staging/${crypto.randomUUID()}/x`, chunked(new Uint8Array(1)))
      .catch((e) => e);
    expect(error).toBeInstanceOf(FileStoreError);
    expect((error as Error).message).toMatch(/Bucket not found/);
  });
});

describe("the Storage stand-in", () => {
  it("serves storage-js's own uploadToSignedUrl (the worker's path for results)", async () => {
    const client = new StorageClient(`${standIn.url}/storage/v1`, { apikey: SECRET_KEY }).from(BUCKET);
    const key = `staging/${crypto.randomUUID()}/via-token`;
    const signed = await client.createSignedUploadUrl(key, { upsert: true });
    expect(signed.error).toBeNull();
    const anonymous = new StorageClient(`${standIn.url}/storage/v1`, {}).from(BUCKET);
    const up = await anonymous.uploadToSignedUrl(key, signed.data!.token, new TextEncoder().encode("tok"), {
      contentType: "application/octet-stream",
    });
    expect(up.error).toBeNull();
    expect((await client.info(key)).data?.size).toBe(3);
  });

  it("refuses a signed upload with a token for another key", async () => {
    const store = storeWith(SECRET_KEY);
    const url = new URL(await store.signedUploadUrl(`staging/${crypto.randomUUID()}/a`, 60));
    url.pathname = url.pathname.replace(/\/a$/, "/b");
    const res = await fetch(url, { method: "PUT", body: "x", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: "400", error: "InvalidSignature" });
  });

  it("refuses a request the published document refuses, naming the field", async () => {
    const res = await fetch(`${standIn.url}/storage/v1/object/sign/${BUCKET}/some/key`, {
      method: "POST",
      headers: { apikey: SECRET_KEY, "content-type": "application/json" },
      body: JSON.stringify({ expiresIn: 0 }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/expiresIn/);
    expect(standIn.state.refusals.at(-1)?.operation).toBe("POST /object/sign/{bucketName}/{*}");
  });

  it("gave no answer that breaks Storage's published schema", () => {
    expect(standIn.state.requests.length).toBeGreaterThan(20);
    expect(standIn.state.schemaViolations).toEqual([]);
  });
});
