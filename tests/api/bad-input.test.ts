// Throws malformed requests at every endpoint of the api and the worker-api (through the Deno
// gateway) and checks each answer is a 4xx with the one error shape and a stable code — and, at
// the end, that none of them wrote anything.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, createOrganization, startTestStack, type TestStack } from "../support/stack.ts";
import { type ApiFixture, apiCaseFamilies } from "./bad-input/api-cases.ts";
import type { Creds } from "./bad-input/generators.ts";
import { type BadCase, changes, runCases, snapshot } from "./bad-input/harness.ts";
import { workerCaseFamilies } from "./bad-input/worker-cases.ts";

const MAX_UPLOAD_BYTES = 1_000_000;
const IMAGE = "ow/bad-input:1";

let stack: TestStack;
let before: Record<string, string>;
let families: Record<string, BadCase[]>;
let sent = 0;

async function jwt(secret: string, claims: Record<string, unknown>, expiresAt: string | number = "15m") {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setIssuer("openweights")
    .setAudience("authenticated")
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

function ok<T extends { status: number; body: Record<string, unknown> }>(res: T, what: string): T {
  if (res.status >= 300) throw new Error(`setup: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

async function setUp(): Promise<Record<string, BadCase[]>> {
  const { url, db, orgId } = stack;
  const secret = stack.env.OW_JWT_SECRET ?? "";
  const admin = client(url, stack.adminToken);
  const me = ok(await admin("GET", "/api/me"), "me");
  const member = ok(await admin("POST", "/api/tokens", { name: "member", role: "member" }), "member token");
  const exchange = async (token: string) =>
    ok(await client(url, "")("POST", "/api/auth/token", { token }), "exchange").body.access_token as string;
  const mint = async (org: string, workerId: string) => {
    const [row] = await db.sql<
      { token: string }[]
    >`select token from internal.mint_worker_token(${org}, ${workerId})`;
    return row!.token;
  };
  const workerToken = await mint(orgId, "bad-input-worker");
  const otherWorkerToken = await mint(orgId, "bad-input-other-worker");
  const worker = client(url, workerToken);
  ok(await worker("POST", "/worker-api/register", { image: IMAGE, vram_gb: 24 }), "register");
  const file = ok(
    await admin("POST", "/api/files?purpose=custom_job_file&filename=a.txt", "hello", {
      "content-type": "application/octet-stream",
    }),
    "file",
  );
  const job = ok(
    await admin("POST", "/api/jobs", {
      type: "custom",
      image: IMAGE,
      entrypoint: ["true"],
      mounts: { "in/a.txt": file.body.id },
      requires_vram_gb: 0,
    }),
    "job",
  );
  const claim = ok(await worker("POST", "/worker-api/claim", { wait_ms: 0 }), "claim");
  if (!claim.body.claim) throw new Error("setup: the worker claimed nothing");

  const other = await createOrganization(db, "other-org");
  const theirs = client(url, other.token);
  const theirMe = ok(await theirs("GET", "/api/me"), "their me");
  const theirFile = ok(
    await theirs("POST", "/api/files?purpose=custom_job_file&filename=b.txt", "theirs", {
      "content-type": "application/octet-stream",
    }),
    "their file",
  );
  const theirJob = ok(
    await theirs("POST", "/api/jobs", { type: "custom", image: IMAGE, entrypoint: ["true"] }),
    "their job",
  );
  const uploadRequest = () => ({
    purpose: "custom_job_file",
    filename: "big.bin",
    bytes: 5,
    sha256: randomBytes(32).toString("hex"),
    org_sha256: randomBytes(32).toString("hex"),
  });
  const pending = ok(await admin("POST", "/api/files/uploads", uploadRequest()), "upload");
  const theirPending = ok(await theirs("POST", "/api/files/uploads", uploadRequest()), "their upload");

  const creds: Creds = {
    admin: `Bearer ${stack.adminToken}`,
    adminJwt: `Bearer ${await exchange(stack.adminToken)}`,
    member: `Bearer ${member.body.token}`,
    worker: `Bearer ${workerToken}`,
    workerJwt: `Bearer ${await exchange(workerToken)}`,
    otherWorker: `Bearer ${otherWorkerToken}`,
    otherAdmin: `Bearer ${other.token}`,
    forgedJwt: `Bearer ${await jwt(randomBytes(32).toString("hex"), { role: "authenticated", organization_id: orgId, token_role: "admin" })}`,
    expiredJwt: `Bearer ${await jwt(secret, { role: "authenticated", organization_id: orgId, token_role: "admin" }, Math.floor(Date.now() / 1000) - 3600)}`,
    anonJwt: `Bearer ${await jwt(secret, { role: "anon", organization_id: orgId })}`,
    noOrgJwt: `Bearer ${await jwt(secret, { role: "authenticated", token_role: "admin" })}`,
    noneAlgJwt: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({
        role: "authenticated",
        organization_id: orgId,
        token_role: "admin",
        exp: 9_999_999_999,
        iss: "openweights",
        aud: "authenticated",
      }),
    ).toString("base64url")}.`,
  };
  const fixture: ApiFixture = {
    creds,
    jobId: job.body.id,
    fileId: file.body.id,
    workerId: "bad-input-worker",
    adminTokenId: me.body.token_id as string,
    otherOrgJobId: theirJob.body.id,
    otherOrgFileId: theirFile.body.id,
    otherOrgTokenId: theirMe.body.token_id as string,
    pendingUploadId: pending.body.upload_id,
    otherOrgUploadId: theirPending.body.upload_id,
    pendingPutPath: String(pending.body.upload_url).slice(url.length),
    missingGetToken: await jwt(secret, { lf_key: `objects/${orgId}/missing`, lf_op: "get" }),
    escapingGetToken: await jwt(secret, { lf_key: "../../../../etc/passwd", lf_op: "get" }),
    escapingPutToken: await jwt(secret, { lf_key: "../escaped.txt", lf_op: "put" }),
    maxUploadBytes: MAX_UPLOAD_BYTES,
  };
  const api = apiCaseFamilies(fixture);
  const workerApi = workerCaseFamilies({ creds, runId: String(claim.body.claim.run_id) });
  return {
    ...Object.fromEntries(Object.entries(api).map(([k, v]) => [`api: ${k}`, v])),
    ...Object.fromEntries(Object.entries(workerApi).map(([k, v]) => [`worker-api: ${k}`, v])),
  };
}

beforeAll(async () => {
  stack = await startTestStack({ OW_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), OW_LEASE_SECONDS: "3600" });
  families = await setUp();
  before = await snapshot(stack.db.sql, stack.filesDir);
}, 120_000);
afterAll(async () => stack?.stop());

const FAMILIES = [
  "api: auth, me and organization",
  "api: tokens, members and secrets",
  "api: files",
  "api: jobs",
  "api: job runs, events and logs",
  "api: workers, hardware and local files",
  "api: organizations, limits and usage",
  "worker-api: register, heartbeat, claim and stop",
  "worker-api: run logs and events",
  "worker-api: run results, complete and fail",
  "api: worker logs",
  "worker-api: worker logs",
];

describe("malformed requests", () => {
  // 500+ requests per family: 30 s was not enough on a 2-core machine under a load average of 30.
  it.each(FAMILIES)(
    "%s: every case is a 4xx with a stable error code",
    { timeout: 180_000 },
    async (family) => {
      const cases = families[family];
      expect(cases?.length ?? 0).toBeGreaterThan(0);
      const failures = await runCases(stack.url, cases ?? [], 8);
      sent += cases?.length ?? 0;
      console.log(`${family}: ${cases?.length} cases`);
      expect(
        failures,
        `${failures.length} of ${cases?.length} cases failed:\n${failures.join("\n")}`,
      ).toEqual([]);
    },
  );

  it("wrote nothing: every table and the files directory are as they were", async () => {
    const total = Object.values(families).reduce((n, c) => n + c.length, 0);
    console.log(`bad-input suite: ${total} malformed requests (${sent} sent)`);
    expect(total).toBeGreaterThanOrEqual(300);
    expect(sent).toBe(total);
    const after = await snapshot(stack.db.sql, stack.filesDir);
    expect(changes(before, after)).toEqual([]);
  });
});
