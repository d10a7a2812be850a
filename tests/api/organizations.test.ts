// Organizations, caps and spend over HTTP, per role (issue 15): admins and members read limits and
// usage, only admins change limits or create organizations; a worker token, a run token and a
// revoked credential get nothing; bad input is a 400 naming the field and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let workerToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = client(stack.url, stack.adminToken);
  const created = await admin("POST", "/api/tokens", { name: "member", role: "member" });
  member = client(stack.url, created.body.token);
  const [w] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, 'w-orgs')`;
  workerToken = String(w!.token);
}, 120_000);
afterAll(async () => stack?.stop());

describe("organization limits", () => {
  it("admins and members read them; only admins change them", async () => {
    const read = await member("GET", "/api/organization/limits");
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ max_workers: 8, max_hourly_usd: null, max_daily_usd: null });
    const denied = await member("PATCH", "/api/organization/limits", { max_workers: 2 });
    expect(denied.status).toBe(403);
    const changed = await admin("PATCH", "/api/organization/limits", {
      max_workers: 2,
      max_hourly_usd: 12.5,
      max_daily_usd: 100,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ max_workers: 2, max_hourly_usd: 12.5, max_daily_usd: 100 });
    const [row] = await stack.db.sql`select max_workers, max_hourly_usd::float8 as h from organization_limits
      where organization_id = ${stack.orgId}`;
    expect(row).toMatchObject({ max_workers: 2, h: 12.5 });
    const uncapped = await admin("PATCH", "/api/organization/limits", { max_hourly_usd: null });
    expect(uncapped.body).toMatchObject({ max_workers: 2, max_hourly_usd: null, max_daily_usd: 100 });
  });

  it("refuses bad values with a 400 naming the field and changes nothing", async () => {
    const before = await admin("GET", "/api/organization/limits");
    for (const [body, field] of [
      [{ max_workers: -1 }, "max_workers"],
      [{ max_workers: 1.5 }, "max_workers"],
      [{ max_hourly_usd: "ten" }, "max_hourly_usd"],
      [{ max_daily_usd: 0.001 }, "max_daily_usd"],
      [{ max_daily_usd: -5 }, "max_daily_usd"],
      [{ budget: 5 }, "budget"],
      [{}, ""],
    ] as const) {
      const res = await admin("PATCH", "/api/organization/limits", body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 400,
        code: "invalid_request",
      });
      if (field) expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
    expect((await admin("GET", "/api/organization/limits")).body).toEqual(before.body);
  });

  it("gives a worker token nothing", async () => {
    const worker = client(stack.url, workerToken);
    expect((await worker("GET", "/api/organization/limits")).status).toBe(403);
    expect((await worker("GET", "/api/organization/usage")).status).toBe(403);
    expect((await worker("POST", "/api/organizations", { name: "x" })).status).toBe(403);
  });
});

describe("organization usage", () => {
  it("reports burn, spend in the last hour and today, and per-job spend", async () => {
    const sql = stack.db.sql;
    // A worker that has run for 30 minutes at $2/h and one job run of 15 minutes on it.
    await sql`insert into workers (id, organization_id, provider, status, image, cost_per_hour, created_at)
      values ('w-spend', ${stack.orgId}, 'local', 'active', 'img:1', 2, now() - interval '30 minutes')`;
    const job = await admin("POST", "/api/jobs", {
      type: "custom",
      image: "img:spend",
      entrypoint: ["true"],
      requires_vram_gb: 0,
    });
    await sql`insert into runs (job_id, organization_id, worker_id, attempt, status, started_at, finished_at, lease_expires_at)
      values (${job.body.id}, ${stack.orgId}, 'w-spend', 1, 'completed', now() - interval '20 minutes', now() - interval '5 minutes', now() - interval '5 minutes')`;
    for (const caller of [admin, member]) {
      const usage = await caller("GET", "/api/organization/usage");
      expect(usage.status).toBe(200);
      expect(usage.body).toMatchObject({ live_workers: 1, burn_usd_per_hour: 2 });
      expect(usage.body.spent_last_hour_usd).toBeCloseTo(1, 1);
      const spend = usage.body.jobs.find((j: { job_id: string }) => j.job_id === job.body.id);
      expect(spend.runs).toBe(1);
      expect(spend.spent_usd).toBeCloseTo(0.5, 2);
    }
    const one = await member("GET", `/api/organization/usage?job_id=${job.body.id}`);
    expect(one.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([job.body.id]);
    const bad = await member("GET", "/api/organization/usage?since=yesterday");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain("since");
  });
});

describe("organizations", () => {
  it("an admin creates one, gets its admin token, and the new one starts with the creator's caps", async () => {
    await admin("PATCH", "/api/organization/limits", { max_workers: 3, max_daily_usd: 40 });
    const created = await admin("POST", "/api/organizations", { name: "research" });
    expect(created.status).toBe(201);
    expect(created.body.organization.name).toBe("research");
    const theirs = client(stack.url, created.body.token.token);
    const me = await theirs("GET", "/api/me");
    expect(me.body).toMatchObject({ organization: { id: created.body.organization.id }, role: "admin" });
    expect((await theirs("GET", "/api/organization/limits")).body).toMatchObject({
      max_workers: 3,
      max_daily_usd: 40,
    });
    const listed = await theirs("GET", "/api/organizations");
    expect(listed.body.data.map((o: { name: string; role: string }) => [o.name, o.role])).toEqual([
      ["research", "admin"],
    ]);
  });

  it("a member cannot create one, a revoked admin credential cannot either, and a bad name is a 400", async () => {
    const count = async () => Number((await stack.db.sql`select count(*) as n from organizations`)[0]!.n);
    const before = await count();
    expect((await member("POST", "/api/organizations", { name: "x" })).status).toBe(403);
    const extra = await admin("POST", "/api/tokens", { name: "soon revoked", role: "admin" });
    const jwt = await client(stack.url, "")("POST", "/api/auth/token", { token: extra.body.token });
    await admin("DELETE", `/api/tokens/${extra.body.id}`);
    const viaOldJwt = await client(stack.url, jwt.body.access_token)("POST", "/api/organizations", {
      name: "x",
    });
    expect(viaOldJwt.status).toBeGreaterThanOrEqual(401);
    expect(viaOldJwt.status).toBeLessThan(404);
    for (const body of [{ name: "" }, { name: "x".repeat(101) }, { name: 5 }, {}, { name: "a", extra: 1 }]) {
      const res = await admin("POST", "/api/organizations", body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    expect(await count()).toBe(before);
  });
});
