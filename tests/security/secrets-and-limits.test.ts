// Who may put which secret in a job (issue 11, item 3), and the limits of item 10: failed token
// guesses, what a run token may read, how many mounts and how large a body — through the real
// Deno gateway and real PostgreSQL.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let admin: ReturnType<typeof client>;
let member: ReturnType<typeof client>;
let lane = 0;
beforeAll(async () => {
  stack = await startTestStack();
  admin = client(stack.url, stack.adminToken);
  const m = await admin("POST", "/api/tokens", { name: "member", role: "member" });
  member = client(stack.url, m.body.token);
}, 120_000);
afterAll(async () => stack?.stop());

/** A worker of its own image, so its claim takes exactly the jobs submitted for that image. */
async function newWorker() {
  lane += 1;
  const image = `sec/lane-${lane}:1`;
  const [row] = await stack.db.sql<{ token: string }[]>`
    select token from internal.mint_worker_token(${stack.orgId}, ${`sec-worker-${lane}`})`;
  const worker = client(stack.url, row!.token);
  expect((await worker("POST", "/worker-api/register", { image, vram_gb: 80 })).status).toBe(200);
  return { image, worker };
}

const job = (image: string, extra: Record<string, unknown> = {}) => ({
  type: "custom",
  image,
  entrypoint: ["true"],
  requires_vram_gb: 0,
  params: { nonce: randomBytes(4).toString("hex") },
  ...extra,
});

describe("secrets in jobs (item 3)", () => {
  it("never lets a job declare a platform secret such as RUNPOD_API_KEY, not even an admin's", async () => {
    expect((await admin("PUT", "/api/secrets/RUNPOD_API_KEY", { value: "rp-secret" })).status).toBe(200);
    const { image, worker } = await newWorker();
    for (const name of ["RUNPOD_API_KEY", "OW_SECRETS_KEY", "SUPABASE_SERVICE_ROLE_KEY"]) {
      const res = await admin("POST", "/api/jobs", job(image, { secrets: [name] }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^secrets: /);
    }
    const claim = await worker("POST", "/worker-api/claim", { wait_ms: 0 });
    expect(claim.body.claim).toBeNull();
  });

  it("lets a member declare only secrets an admin marked member_usable; the claim delivers them", async () => {
    expect((await admin("PUT", "/api/secrets/HF_TOKEN", { value: "hf-secret" })).body.member_usable).toBe(
      false,
    );
    const { image, worker } = await newWorker();
    const refused = await member("POST", "/api/jobs", job(image, { secrets: ["HF_TOKEN"] }));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/^secrets: HF_TOKEN/);
    expect((await member("POST", "/api/jobs", job(image, { secrets: ["NOT_SET"] }))).status).toBe(403);

    const marked = await admin("PUT", "/api/secrets/HF_TOKEN", { value: "hf-rotated", member_usable: true });
    expect(marked.body.member_usable).toBe(true);
    // Rotating the value without the flag keeps it.
    expect((await admin("PUT", "/api/secrets/HF_TOKEN", { value: "hf-final" })).body.member_usable).toBe(
      true,
    );
    const listed = await admin("GET", "/api/secrets");
    expect(listed.body.data.find((s: { name: string }) => s.name === "HF_TOKEN").member_usable).toBe(true);

    const accepted = await member("POST", "/api/jobs", job(image, { secrets: ["HF_TOKEN"] }));
    expect(accepted.status).toBe(201);
    const claim = await worker("POST", "/worker-api/claim", { wait_ms: 0 });
    expect(claim.body.claim.job.id).toBe(accepted.body.id);
    expect(claim.body.claim.secrets).toEqual({ HF_TOKEN: "hf-final" });
    expect((await member("GET", "/api/secrets")).status).toBe(403);
  });

  it("lets an admin declare any secret that is not a platform secret", async () => {
    expect((await admin("PUT", "/api/secrets/WANDB_API_KEY", { value: "wb" })).status).toBe(200);
    const { image } = await newWorker();
    expect((await admin("POST", "/api/jobs", job(image, { secrets: ["WANDB_API_KEY"] }))).status).toBe(201);
  });
});

describe("failed token guesses are rate limited (item 10)", () => {
  it("answers 429 with Retry-After to a source past 20 unknown tokens a minute, valid tokens included", async () => {
    const from = (ip: string) => ({ "x-forwarded-for": ip, "content-type": "application/json" });
    const guess = () => `ow_${randomBytes(32).toString("base64url")}`;
    const exchange = (token: string, ip: string) =>
      fetch(`${stack.url}/api/auth/token`, {
        method: "POST",
        headers: from(ip),
        body: JSON.stringify({ token }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await exchange(guess(), "203.0.113.7")).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
    const blocked = await exchange(stack.adminToken, "203.0.113.7");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    // Raw tokens on any route count the same way.
    const raw = await fetch(`${stack.url}/api/me`, {
      headers: { ...from("203.0.113.7"), authorization: `Bearer ${guess()}` },
    });
    expect(raw.status).toBe(429);
    expect((await exchange(stack.adminToken, "198.51.100.1")).status).toBe(200);
  });
});

describe("a run token reads only its own job (item 10)", () => {
  it("sees its job, its runs and logs, and its mounted files; nothing else, writes nothing, ends with its run", async () => {
    const { image, worker } = await newWorker();
    const mine = await admin("POST", "/api/files?purpose=custom_job_file&filename=a.py", "print('a')\n", {
      "content-type": "application/octet-stream",
    });
    const other = await admin("POST", "/api/files?purpose=custom_job_file&filename=b.py", "print('b')\n", {
      "content-type": "application/octet-stream",
    });
    const elsewhere = await admin("POST", "/api/jobs", job("sec/elsewhere:1"));
    const own = await admin("POST", "/api/jobs", job(image, { mounts: { "a.py": mine.body.id } }));
    const claim = (await worker("POST", "/worker-api/claim", { wait_ms: 0 })).body.claim;
    expect(claim.job.id).toBe(own.body.id);
    const run = client(stack.url, claim.run_token);

    expect((await run("GET", `/api/jobs/${own.body.id}`)).status).toBe(200);
    expect((await run("GET", `/api/jobs/${own.body.id}/runs`)).body.data).toHaveLength(1);
    expect((await run("GET", `/api/jobs/${own.body.id}/logs`)).status).toBe(200);
    expect((await run("GET", "/api/jobs")).body.data.map((j: { id: string }) => j.id)).toEqual([own.body.id]);
    expect((await run("GET", `/api/jobs/${elsewhere.body.id}`)).status).toBe(404);
    expect((await run("GET", "/api/files")).body.data.map((f: { id: string }) => f.id)).toEqual([
      mine.body.id,
    ]);
    expect((await run("GET", `/api/files/${encodeURIComponent(other.body.id)}`)).status).toBe(404);
    expect((await run("GET", "/api/workers")).body.data).toEqual([]);
    expect((await run("POST", "/api/jobs", job(image))).status).toBe(403);
    expect((await run("POST", `/api/jobs/${elsewhere.body.id}/cancel`)).status).toBe(404);
    expect((await run("POST", `/api/jobs/${own.body.id}/cancel`)).status).toBe(404);
    expect((await run("POST", "/api/tokens", { name: "escape", role: "member" })).status).toBe(403);

    expect((await worker("POST", `/worker-api/runs/${claim.run_id}/complete`, { exit_code: 0 })).status).toBe(
      200,
    );
    const after = await run("GET", `/api/jobs/${own.body.id}`);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("token_expired");
  });
});

describe("mount and body limits (item 10)", () => {
  it("refuses more than 1,000 mounts, mounts totalling over 1 TiB, and a body over 2 MB, naming the field", async () => {
    const file = await admin("POST", "/api/files?purpose=custom_job_file&filename=big.bin", "x", {
      "content-type": "application/octet-stream",
    });
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`m/${i}.py`, file.body.id]));
    const tooMany = await admin("POST", "/api/jobs", job("sec/limits:1", { mounts: many }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0].path).toBe("mounts");

    await stack.db.sql`update files set bytes = 600 * 1024::bigint ^ 3 where id = ${file.body.id}`;
    const huge = await admin(
      "POST",
      "/api/jobs",
      job("sec/limits:1", { mounts: { "a.bin": file.body.id, "b.bin": file.body.id } }),
    );
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toMatch(/^mounts: /);

    const body = await admin(
      "POST",
      "/api/jobs",
      job("sec/limits:1", { params: { blob: "x".repeat(2_100_000) } }),
    );
    expect(body.status).toBe(413);
    const [row] = await stack.db.sql`select count(*)::int as n from jobs where image = 'sec/limits:1'`;
    expect(row!.n).toBe(0);
  });
});
