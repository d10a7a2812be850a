import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asCaller, type Claims, createOrg, type Org, workerClaims } from "../support/claims.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let org: Org;
beforeAll(async () => {
  db = await createTestDatabase();
});
// Each test gets its own organization, so pending jobs of one never match another's workers.
beforeEach(async () => {
  org = await createOrg(db.sql, "lifecycle");
});
afterAll(async () => db.drop());

async function submit(claims: Claims, params: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return asCaller(db.sql, claims, async (tx) => {
    const [row] = await tx`select (job).id, (job).status, created, reset from public.submit_job(
      p_type => 'custom', p_image => 'img:1', p_entrypoint => array['python','main.py'],
      p_params => ${tx.json(params as never)}, p_requires_vram_gb => ${(extra.vram as number) ?? 0},
      p_force => ${(extra.force as boolean) ?? false}${
        extra.maxAttempts === undefined ? tx`` : tx`, p_max_attempts => ${extra.maxAttempts as number}`
      })`;
    return row as { id: string; status: string; created: boolean; reset: boolean };
  });
}

async function register(claims: Claims, vram = 0) {
  return asCaller(
    db.sql,
    claims,
    (tx) => tx`select public.register_worker('img:1', 'local', null, null, null, 0, ${vram}, '{}') as r`,
  );
}

async function claim(claims: Claims, lease = 60) {
  return asCaller(db.sql, claims, async (tx) => {
    const rows = await tx`select * from public.claim_job(${lease})`;
    return rows[0] as { id: string; job_id: string; attempt: number } | undefined;
  });
}

describe("the job queue", () => {
  it("deduplicates identical submissions and resets failed ones", async () => {
    const first = await submit(org.admin, { n: 1 });
    expect(first.created).toBe(true);
    expect(first.id).toMatch(/^custom-[0-9a-f]{12}$/);
    const again = await submit(org.admin, { n: 1 });
    expect(again).toMatchObject({ id: first.id, created: false, reset: false });
    const other = await submit(org.admin, { n: 2 });
    expect(other.id).not.toBe(first.id);
  });

  it("claims, completes with outputs merged from the run's events, and never re-runs a completed job", async () => {
    const job = await submit(org.admin, { n: "complete" });
    const w = await workerClaims(db.sql, org.id, "w-complete");
    await register(w);
    const run = await claim(w);
    expect(run?.job_id).toBe(job.id);
    await asCaller(
      db.sql,
      w,
      (tx) =>
        tx`select public.append_run_events(${run!.id}, ${tx.json([
          { seq: 0, data: { type: "metrics", loss: 2 } },
          { seq: 1, data: { type: "metrics", loss: 1, acc: 0.5 } },
        ] as never)})`,
    );
    const [done] = await asCaller(db.sql, w, (tx) => tx`select * from public.complete_run(${run!.id}, 0)`);
    expect(done?.job_status).toBe("completed");
    const [row] = await db.sql`select status, outputs from jobs where id = ${job.id}`;
    expect(row?.outputs).toEqual({ type: "metrics", loss: 1, acc: 0.5 });
    const resubmitted = await submit(org.admin, { n: "complete" });
    expect(resubmitted.status).toBe("completed");
    const forced = await submit(org.admin, { n: "complete" }, { force: true });
    expect(forced).toMatchObject({ status: "pending", reset: true });
  });

  it("fences writes: after the lease is reaped the worker's completion fails with OWLEA and the job is requeued", async () => {
    const job = await submit(org.admin, { n: "fence" });
    const w = await workerClaims(db.sql, org.id, "w-fence");
    await register(w);
    const run = await claim(w, 5);
    expect(run?.job_id).toBe(job.id);
    await db.sql`update runs set lease_expires_at = now() - interval '1 second' where id = ${run!.id}`;
    const [{ reaped }] = (await db.sql`select public.reap_expired_leases() as reaped`) as unknown as [
      { reaped: number },
    ];
    expect(reaped).toBeGreaterThanOrEqual(1);
    await expect(
      asCaller(db.sql, w, (tx) => tx`select * from public.complete_run(${run!.id}, 0)`),
    ).rejects.toMatchObject({ code: "OWLEA" });
    const [row] =
      await db.sql`select status, attempts, counted_failures, lost_runs from jobs where id = ${job.id}`;
    expect(row).toMatchObject({ status: "pending", attempts: 1, counted_failures: 0, lost_runs: 1 });
    const again = await claim(w);
    expect(again).toMatchObject({ job_id: job.id, attempt: 2 });
    await asCaller(db.sql, w, (tx) => tx`select * from public.complete_run(${again!.id}, 0)`);
  });

  async function failEachRun(jobId: string, worker: string, kind: string, runs: number) {
    const w = await workerClaims(db.sql, org.id, worker);
    await register(w);
    const outcomes: string[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await claim(w);
      expect(run?.job_id).toBe(jobId);
      const [o] = await asCaller(
        db.sql,
        w,
        (tx) => tx`select * from public.fail_run(${run!.id}, ${kind}::failure_kind, 'boom', 1)`,
      );
      outcomes.push(`${o?.job_status}:${o?.will_retry}`);
    }
    return outcomes;
  }

  it("fails a job on its first user error when it did not ask for retries", async () => {
    const job = await submit(org.admin, { n: "no-retry" });
    expect(await failEachRun(job.id, "w-once", "user_error", 1)).toEqual(["failed:false"]);
    const [row] = await db.sql`select status, failure_kind, attempts from jobs where id = ${job.id}`;
    expect(row).toMatchObject({ status: "failed", failure_kind: "user_error", attempts: 1 });
  });

  it("retries user errors until the max_attempts the job asked for, then fails the job", async () => {
    const job = await submit(org.admin, { n: "retry" }, { maxAttempts: 3 });
    const outcomes = await failEachRun(job.id, "w-retry", "user_error", 3);
    expect(outcomes).toEqual(["pending:true", "pending:true", "failed:false"]);
    const [row] = await db.sql`select status, failure_kind, finished_at from jobs where id = ${job.id}`;
    expect(row).toMatchObject({ status: "failed", failure_kind: "user_error" });
  });

  it("still retries platform failures of a job that asked for no retries", async () => {
    const job = await submit(org.admin, { n: "platform" });
    const outcomes = await failEachRun(job.id, "w-platform", "system_error", 2);
    expect(outcomes).toEqual(["pending:true", "pending:true"]);
  });

  it("cancels a running job and tells the worker through its heartbeat", async () => {
    const job = await submit(org.admin, { n: "cancel" });
    const w = await workerClaims(db.sql, org.id, "w-cancel");
    await register(w);
    const run = await claim(w);
    await asCaller(db.sql, org.admin, (tx) => tx`select public.cancel_job(${job.id})`);
    const [hb] = await asCaller(
      db.sql,
      w,
      (tx) => tx`select public.worker_heartbeat(${[run!.id]}::uuid[], 60) as r`,
    );
    expect(hb?.r).toEqual({ shutdown: false, runs: [{ run_id: run!.id, action: "cancel" }] });
    await expect(
      asCaller(db.sql, org.admin, (tx) => tx`select public.cancel_job(${job.id})`),
    ).rejects.toMatchObject({ code: "OWNCN" });
  });

  it("matches VRAM: a worker with too little VRAM gets nothing", async () => {
    await submit(org.admin, { n: "big" }, { vram: 80 });
    const small = await workerClaims(db.sql, org.id, "w-small");
    await register(small, 24);
    expect(await claim(small)).toBeUndefined();
    const big = await workerClaims(db.sql, org.id, "w-big");
    await register(big, 80);
    expect((await claim(big))?.job_id).toMatch(/^custom-/);
  });
});
