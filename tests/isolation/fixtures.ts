// What the isolation suite needs in each organization (a credential of every role and a row of
// every kind), and how to fill a route's parameters and body from one organization's rows.
import { createHash, randomBytes } from "node:crypto";
import type postgres from "postgres";
import { client, createOrganization, type TestStack } from "../support/stack.ts";

export type Role = "admin" | "member" | "worker" | "run" | "revoked" | "expired";
export const ROLES: Role[] = ["admin", "member", "worker", "run", "revoked", "expired"];

export interface OrgFixture {
  key: string;
  orgId: string;
  credentials: Record<Role, string>;
  tokenId: string;
  jobId: string;
  runId: string;
  workerId: string;
  fileId: string;
  secretName: string;
  userId: string;
  userEmail: string;
  uploadId: string;
  /** Strings that only this organization's rows contain; no answer to another organization may. */
  markers: string[];
}

export async function orgFixture(stack: TestStack, key: string): Promise<OrgFixture> {
  const { orgId, token: admin } = await createOrganization(stack.db, `iso-org-${key}`);
  const api = client(stack.url, admin);
  const ok = <T extends { status: number }>(res: T, what: string): T => {
    if (res.status >= 300) throw new Error(`fixture ${key}: ${what} answered ${JSON.stringify(res)}`);
    return res;
  };
  const member = ok(
    await api("POST", "/api/tokens", { name: `iso-member-${key}`, role: "member" }),
    "member",
  );
  const revoked = ok(
    await api("POST", "/api/tokens", { name: `iso-revoked-${key}`, role: "member" }),
    "revoked",
  );
  ok(await api("DELETE", `/api/tokens/${revoked.body.id}`), "revoke");
  const expired = ok(
    await api("POST", "/api/tokens", { name: `iso-expired-${key}`, role: "admin", expires_in_days: 1 }),
    "expired",
  );
  await stack.db
    .sql`update api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
    where id = ${expired.body.id}`;

  const nonce = randomBytes(6).toString("hex");
  const filename = `iso-${key}-${nonce}.py`;
  const file = ok(
    await api("POST", `/api/files?purpose=custom_job_file&filename=${filename}`, `print('${nonce}')\n`, {
      "content-type": "application/octet-stream",
    }),
    "file",
  );
  const secretName = `ISO_${key.toUpperCase()}_${nonce.toUpperCase()}`;
  const secretValue = `iso-secret-value-${nonce}`;
  ok(await api("PUT", `/api/secrets/${secretName}`, { value: secretValue }), "secret");
  const content = `pending-${nonce}`;
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  const upload = ok(
    await api("POST", "/api/files/uploads", {
      purpose: "custom_job_file",
      filename: "pending.txt",
      bytes: content.length,
      sha256: sha(content),
      org_sha256: sha(content + orgId),
    }),
    "upload",
  );

  const workerId = `iso-worker-${key}`;
  const image = `iso/${key}:1`;
  const [minted] = await stack.db.sql<{ token: string }[]>`
    select token from internal.mint_worker_token(${orgId}, ${workerId})`;
  const worker = client(stack.url, minted!.token);
  ok(await worker("POST", "/worker-api/register", { image, vram_gb: 80 }), "register");
  const job = ok(
    await api("POST", "/api/jobs", {
      type: "iso",
      image,
      entrypoint: ["true"],
      params: { nonce },
      mounts: { "main.py": file.body.id },
      secrets: [secretName],
      requires_vram_gb: 0,
    }),
    "job",
  );
  const claim = ok(await worker("POST", "/worker-api/claim", { wait_ms: 0 }), "claim").body.claim;
  if (claim?.job.id !== job.body.id)
    throw new Error(`fixture ${key}: the worker claimed ${JSON.stringify(claim)}`);
  ok(
    await worker("POST", `/worker-api/runs/${claim.run_id}/logs`, { seq: 0, streams: "o", lines: [nonce] }),
    "log",
  );

  const userEmail = `iso-${key}-${nonce}@example.com`;
  const [user] = await stack.db.sql<
    { id: string }[]
  >`insert into auth.users (email) values (${userEmail}) returning id`;
  await stack.db
    .sql`insert into organization_members (organization_id, user_id, role) values (${orgId}, ${user!.id}, 'member')`;

  return {
    key,
    orgId,
    credentials: {
      admin,
      member: member.body.token,
      worker: minted!.token,
      run: claim.run_token,
      revoked: revoked.body.token,
      expired: expired.body.token,
    },
    tokenId: member.body.id,
    jobId: job.body.id,
    runId: claim.run_id,
    workerId,
    fileId: file.body.id,
    secretName,
    userId: user!.id,
    userEmail,
    uploadId: upload.body.upload_id,
    markers: [orgId, nonce, secretValue, `iso-org-${key}`],
  };
}

/**
 * The value for each route parameter, keyed by the path segment before it. `callerScoped`: the
 * parameter names something in the caller's own organization (a secret's name), so another
 * organization's value is just a name, not a reference to its row.
 */
const PARAMS: Record<string, { value: (t: OrgFixture) => string; callerScoped?: boolean }> = {
  "tokens/:id": { value: (t) => t.tokenId },
  "files/:id": { value: (t) => encodeURIComponent(t.fileId) },
  "uploads/:file_id": { value: (t) => encodeURIComponent(t.fileId) },
  "jobs/:id": { value: (t) => t.jobId },
  "workers/:id": { value: (t) => t.workerId },
  "secrets/:name": { value: (t) => t.secretName, callerScoped: true },
  // A person may belong to several organizations; the row is (organization, user), scoped to the caller.
  "members/:user_id": { value: (t) => t.userId, callerScoped: true },
  "runs/:run_id": { value: (t) => t.runId },
  "local-files/:token": { value: () => "not-a-signed-url" },
};

/** The route's path with the target organization's values, and whether it points at the target's rows. */
export function fillPath(path: string, target: OrgFixture): { path: string; targetsRows: boolean } {
  let targetsRows = false;
  const filled = path.replace(/([^/]+)\/:(\w+)/g, (_, segment: string, name: string) => {
    const param = PARAMS[`${segment}/:${name}`];
    if (!param)
      throw new Error(`no sample value for ${segment}/:${name} in tests/isolation/fixtures.ts: add one`);
    if (!param.callerScoped) targetsRows = true;
    return `${segment}/${param.value(target)}`;
  });
  return { path: filled, targetsRows };
}

export interface SampleBody {
  json?: unknown;
  raw?: string;
  query?: string;
}

/** A well-formed body for every write route, built from the target organization's rows. */
const BODIES: Record<string, (t: OrgFixture) => SampleBody> = {
  "POST /api/auth/token": (t) => ({ json: { token: t.credentials.member } }),
  "PATCH /api/organization": () => ({ json: { name: "renamed by another organization" } }),
  "PATCH /api/organization/limits": () => ({ json: { max_workers: 0 } }),
  "POST /api/organizations": () => ({ json: { name: "iso-created" } }),
  "POST /api/tokens": () => ({ json: { name: "iso-minted", role: "member" } }),
  "POST /api/members": (t) => ({ json: { email: t.userEmail, role: "admin" } }),
  "PATCH /api/members/:user_id": () => ({ json: { role: "admin" } }),
  "PUT /api/secrets/:name": () => ({ json: { value: "overwritten" } }),
  "POST /api/files": () => ({ raw: "cross-org upload\n", query: "?purpose=custom_job_file&filename=x.py" }),
  "POST /api/files/uploads": (t) => ({
    json: {
      purpose: "custom_job_file",
      filename: "x.txt",
      bytes: 1,
      sha256: "0".repeat(64),
      org_sha256: createHash("sha256").update(t.fileId).digest("hex"),
    },
  }),
  "POST /api/files/uploads/complete": (t) => ({ json: { upload_id: t.uploadId } }),
  "POST /api/files/uploads/:file_id/complete": (t) => ({ json: { upload_id: t.uploadId } }),
  "POST /api/jobs": (t) => ({
    json: {
      type: "iso",
      image: "iso/cross:1",
      entrypoint: ["cat", "main.py"],
      mounts: { "main.py": t.fileId },
      secrets: [t.secretName],
      requires_vram_gb: 0,
    },
  }),
  "POST /api/jobs/:id/cancel": () => ({ json: {} }),
  "POST /api/jobs/:id/restart": () => ({ json: {} }),
  "POST /api/workers/:id/shutdown": () => ({ json: {} }),
  "PUT /api/local-files/:token": () => ({ raw: "x" }),
  "POST /worker-api/register": () => ({ json: { image: "iso/cross:1" } }),
  "POST /worker-api/heartbeat": (t) => ({ json: { run_ids: [t.runId] } }),
  "POST /worker-api/claim": () => ({ json: { wait_ms: 0 } }),
  "POST /worker-api/stop": () => ({ json: { reason: "isolation suite" } }),
  "POST /worker-api/worker-logs": () => ({ json: { source: "worker", lines: ["injected"] } }),
  "POST /worker-api/runs/:run_id/logs": () => ({ json: { seq: 1, streams: "o", lines: ["injected"] } }),
  "POST /worker-api/runs/:run_id/events": () => ({
    json: { events: [{ seq: 1, data: { type: "injected" } }] },
  }),
  "POST /worker-api/runs/:run_id/results": () => ({ raw: "injected", query: "?path=x.txt" }),
  "POST /worker-api/runs/:run_id/results/uploads": () => ({
    json: { path: "x.txt", bytes: 8, sha256: "0".repeat(64), org_sha256: "0".repeat(64) },
  }),
  "POST /worker-api/runs/:run_id/results/finalize": (t) => ({ json: { upload_id: t.uploadId } }),
  "POST /worker-api/runs/:run_id/complete": () => ({ json: { exit_code: 0 } }),
  "POST /worker-api/runs/:run_id/fail": () => ({ json: { failure_kind: "user_error", message: "injected" } }),
};

export function sampleBody(method: string, path: string, target: OrgFixture): SampleBody {
  if (method === "GET" || method === "DELETE") return {};
  const make = BODIES[`${method} ${path}`];
  if (!make) throw new Error(`no sample body for ${method} ${path} in tests/isolation/fixtures.ts: add one`);
  return make(target);
}

/** A digest of every row of the organization, to see that a request of another one changed nothing. */
export async function orgDigest(sql: postgres.Sql, orgId: string): Promise<string> {
  const [row] = await sql<{ digest: string }[]>`
    select md5(concat_ws('|',
      (select string_agg(to_jsonb(x)::text, ',' order by x.id) from organizations x where x.id = ${orgId}),
      (select string_agg((to_jsonb(x) - 'last_used_at')::text, ',' order by x.id) from api_tokens x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.id) from jobs x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.id) from runs x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.id) from files x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.name) from organization_secrets x where x.organization_id = ${orgId}),
      (select string_agg((to_jsonb(x) - 'last_heartbeat_at' - 'last_active_at')::text, ',' order by x.id) from workers x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.user_id) from organization_members x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.run_id, x.seq) from events x where x.organization_id = ${orgId}),
      (select string_agg(to_jsonb(x)::text, ',' order by x.run_id, x.seq) from run_logs x where x.organization_id = ${orgId})
    )) as digest`;
  return row!.digest;
}
