import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, createOrganization, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => stack?.stop());

const dataset = `${JSON.stringify({
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
  ],
})}\n`;

describe("api through the Deno gateway", () => {
  it("exchanges an API token for a JWT that works as a credential", async () => {
    const anon = client(stack.url, "");
    const res = await anon("POST", "/api/auth/token", { token: stack.adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "bearer", organization_id: stack.orgId, role: "admin" });
    const me = await client(stack.url, res.body.access_token)("GET", "/api/me");
    expect(me.status).toBe(200);
    expect(me.body.organization.id).toBe(stack.orgId);
  });

  it("distinguishes unknown, revoked and expired tokens", async () => {
    const admin = client(stack.url, stack.adminToken);
    const created = await admin("POST", "/api/tokens", { name: "to revoke", role: "member" });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^ow_[A-Za-z0-9_-]{43}$/);
    expect((await admin("DELETE", `/api/tokens/${created.body.id}`)).status).toBe(200);
    const revoked = await client(stack.url, created.body.token)("GET", "/api/me");
    expect(revoked.body.error.code).toBe("token_revoked");
    const unknown = await client(stack.url, `ow_${"A".repeat(43)}`)("GET", "/api/me");
    expect(unknown.body.error.code).toBe("invalid_token");
    const shortLived = await admin("POST", "/api/tokens", {
      name: "short",
      role: "member",
      expires_in_days: 1,
    });
    await stack.db
      .sql`update api_tokens set expires_at = created_at + interval '1 millisecond' where id = ${shortLived.body.id}`;
    const expired = await client(stack.url, shortLived.body.token)("GET", "/api/me");
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("token_expired");
  });

  it("uploads a dataset, submits a job, deduplicates it and reads it back", async () => {
    const api = client(stack.url, stack.adminToken);
    const file = await api("POST", "/api/files?purpose=conversations&filename=train.jsonl", dataset, {
      "content-type": "application/octet-stream",
    });
    expect(file.status).toBe(201);
    expect(file.body.id).toMatch(/^conversations:file-[0-9a-f]{12}$/);
    const again = await api("POST", "/api/files?purpose=conversations&filename=other.jsonl", dataset, {
      "content-type": "application/octet-stream",
    });
    expect(again).toMatchObject({ status: 200, body: { id: file.body.id } });
    const content = await fetch(`${stack.url}/api/files/${encodeURIComponent(file.body.id)}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(await content.text()).toBe(dataset);

    const submission = {
      type: "custom",
      image: "ow/test:1",
      entrypoint: ["python", "main.py"],
      params: { lr: 0.1 },
      mounts: { "data/train.jsonl": file.body.id },
      requires_vram_gb: 0,
    };
    const job = await api("POST", "/api/jobs", submission);
    expect(job.status).toBe(201);
    expect(job.body).toMatchObject({
      status: "pending",
      created: true,
      mounts: { "data/train.jsonl": file.body.id },
    });
    const dup = await api("POST", "/api/jobs", submission);
    expect(dup).toMatchObject({ status: 200, body: { id: job.body.id, created: false } });
    const fetched = await api("GET", `/api/jobs/${job.body.id}`);
    expect(fetched.body).toMatchObject({
      id: job.body.id,
      params: { lr: 0.1 },
      entrypoint: ["python", "main.py"],
      waiting_reason: null,
    });
    // The scaler's note on why a pending job waits reaches its owner.
    await stack.db.sql`update jobs set waiting_reason = 'waiting: test' where id = ${job.body.id}`;
    expect((await api("GET", `/api/jobs/${job.body.id}`)).body.waiting_reason).toBe("waiting: test");
    const listed = await api("GET", `/api/jobs?params=${encodeURIComponent(JSON.stringify({ lr: 0.1 }))}`);
    expect(listed.body.data.map((j: { id: string }) => j.id)).toContain(job.body.id);
  });

  it("refuses invalid datasets with the offending line number and stores nothing", async () => {
    const api = client(stack.url, stack.adminToken);
    const bad = `${dataset}{"messages": [{"role": "robot", "content": "x"}]}\n`;
    const res = await api("POST", "/api/files?purpose=conversations&filename=bad.jsonl", bad);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_file");
    expect(res.body.error.message).toContain("line 2");
    const [count] = await stack.db.sql`select count(*)::int as n from files where filename = 'bad.jsonl'`;
    expect(count?.n).toBe(0);
  });

  it("keeps organizations apart: another org's job is not found", async () => {
    const api = client(stack.url, stack.adminToken);
    const job = await api("POST", "/api/jobs", {
      type: "custom",
      image: "ow/test:1",
      entrypoint: ["true"],
      params: { private: true },
    });
    const other = await createOrganization(stack.db, "other-org");
    const theirs = client(stack.url, other.token);
    expect((await theirs("GET", `/api/jobs/${job.body.id}`)).status).toBe(404);
    expect((await theirs("POST", `/api/jobs/${job.body.id}/cancel`)).status).toBe(404);
    const list = await theirs("GET", "/api/jobs");
    expect(list.body.data).toEqual([]);
  });

  it("creates exactly one job under 50 concurrent identical submissions", async () => {
    const api = client(stack.url, stack.adminToken);
    const submission = {
      type: "custom",
      image: "ow/test:1",
      entrypoint: ["echo", "race"],
      params: { race: Date.now() },
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => api("POST", "/api/jobs", submission)));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.body.created).length).toBe(1);
    const [count] = await stack.db
      .sql`select count(*)::int as n from jobs where params @> ${stack.db.sql.json({ race: submission.params.race })}`;
    expect(count?.n).toBe(1);
  });
});
