// The api under Deno (the real gateway) with OW_FILE_STORE=supabase, against the Storage
// stand-in: uploads (raw and through a signed upload URL), downloads by redirect to a signed URL,
// deletion — and a deployment whose service key Storage refuses answers a typed 503, never a 500,
// and files nothing.
import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StorageStandIn, startStorageStandIn } from "../../scripts/storage/server.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

const JWT_SECRET = randomBytes(32).toString("hex");
const SECRET_KEY = `sb_secret_${randomBytes(16).toString("hex")}`;
const BUCKET = "files";
let standIn: StorageStandIn;
let good: TestStack;
let refused: TestStack;

const storeEnv = (key: Record<string, string>) => ({
  OW_FILE_STORE: "supabase",
  SUPABASE_URL: standIn.url,
  OW_STORAGE_BUCKET: BUCKET,
  ...key,
});

beforeAll(async () => {
  standIn = await startStorageStandIn({ jwtSecret: JWT_SECRET, secretKeys: [SECRET_KEY], buckets: [BUCKET] });
  const legacyServiceRole = await new SignJWT({ role: "service_role", iss: "supabase" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(JWT_SECRET));
  // The legacy service_role JWT under its old name; the refused stack has a new-style key Storage does not know.
  [good, refused] = await Promise.all([
    startTestStack(storeEnv({ SUPABASE_SERVICE_ROLE_KEY: legacyServiceRole })),
    startTestStack(storeEnv({ SUPABASE_SECRET_KEY: `sb_secret_${randomBytes(16).toString("hex")}` })),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([good?.stop(), refused?.stop()]);
  await standIn?.close();
});

describe("the api with Supabase Storage (stand-in) as its file store", () => {
  it("files a raw upload in Storage and serves it by redirect to a signed URL", async () => {
    const api = client(good.url, good.adminToken);
    const content = `custom bytes ${randomBytes(8).toString("hex")}`;
    const up = await api("POST", "/api/files?purpose=custom_job_file&filename=a.txt", content);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const key = `organizations/${good.orgId}/${up.body.id}`;
    expect(standIn.state.objects.keys(BUCKET)).toContain(key);
    const res = await fetch(`${good.url}/api/files/${up.body.id}/content`, {
      headers: { authorization: `Bearer ${good.adminToken}` },
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${standIn.url}/storage/v1/object/sign/${BUCKET}/`)).toBe(true);
    expect(await (await fetch(location)).text()).toBe(content);

    const del = await api("DELETE", `/api/files/${up.body.id}`);
    expect(del.status).toBe(200);
    expect(standIn.state.objects.keys(BUCKET)).not.toContain(key);
  });

  it("files a large upload sent straight to Storage through a signed upload URL", async () => {
    const api = client(good.url, good.adminToken);
    const bytes = randomBytes(512 * 1024);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const orgSha = createHash("sha256").update(bytes).update(good.orgId).digest("hex");
    const created = await api("POST", "/api/files/uploads", {
      purpose: "custom_job_file",
      filename: "big.bin",
      bytes: bytes.length,
      sha256,
      org_sha256: orgSha,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(
      created.body.upload_url.startsWith(`${standIn.url}/storage/v1/object/upload/sign/${BUCKET}/`),
    ).toBe(true);
    const put = await fetch(created.body.upload_url, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const done = await api("POST", `/api/files/uploads/${created.body.file_id}/complete`, {
      upload_id: created.body.upload_id,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ id: created.body.file_id, bytes: bytes.length, sha256 });
  });

  it("answers 503 storage_unavailable with Retry-After when Storage refuses the key, and files nothing", async () => {
    const api = client(refused.url, refused.adminToken);
    const up = await api("POST", "/api/files?purpose=custom_job_file&filename=a.txt", "refused bytes");
    expect(up.status, JSON.stringify(up.body)).toBe(503);
    expect(up.body.error.code).toBe("storage_unavailable");
    expect(up.body.error.message).toMatch(/Invalid API key/);
    const [row] = await refused.db.sql`select count(*)::int as n from public.files`;
    expect(row!.n).toBe(0);
    const res = await fetch(`${refused.url}/api/files?purpose=custom_job_file&filename=b.txt`, {
      method: "POST",
      headers: { authorization: `Bearer ${refused.adminToken}` },
      body: "again",
    });
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    await res.body?.cancel();
  });

  it("kept every request and answer within Storage's published schema", () => {
    expect(standIn.state.schemaViolations).toEqual([]);
    expect(standIn.state.refusals).toEqual([]);
  });
});
