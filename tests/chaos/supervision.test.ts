// The local stack supervises its parts (issue 11, item 3): SIGKILL the functions' process,
// PostgreSQL's postmaster or the pod agent of a real stack, and the api comes back by itself with
// the restart logged; the dead agent's workers are ended and their runs requeued at once. A stack
// started over a previous stack's database marks that stack's live workers lost and requeues their
// jobs, instead of letting them hold leases and count against max_workers for two minutes.
// Before supervision each kill left the api down until a manual restart (the first three tests time
// out), and the previous stack's worker stayed `active` with its run in progress (the last one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive } from "../e2e/processes.ts";
import { asCaller, workerClaims } from "../support/claims.ts";
import { apiRecovery, type Harness, startHarness, until } from "./harness.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ maxWorkers: 1 });
}, 180_000);

afterAll(async () => {
  await h?.stop();
}, 120_000);

const noticed = (pattern: RegExp) =>
  until(`a notice ${pattern}`, async () => h.notices.find((n) => pattern.test(n)), 60_000);

describe("the local stack's supervisor", () => {
  it("restarts the functions after a SIGKILL, logs it, and the api answers again", {
    timeout: 180_000,
  }, async () => {
    const before = h.stack.gateway.child().pid!;
    process.kill(before, "SIGKILL");
    const recoveryMs = await apiRecovery(h, Date.now());
    expect(h.stack.gateway.child().pid).not.toBe(before);
    await noticed(/functions stopped \(signal SIGKILL\)/);
    await noticed(/functions is back after/);
    expect(recoveryMs).toBeGreaterThan(0);
  });

  it("restarts PostgreSQL after its postmaster is SIGKILLed, and the api answers again", {
    timeout: 180_000,
  }, async () => {
    const before = h.stack.cluster.pid();
    expect(before).not.toBeNull();
    process.kill(before!, "SIGKILL");
    await noticed(/PostgreSQL stopped/);
    await apiRecovery(h, Date.now());
    await noticed(/PostgreSQL is back after/);
    expect(h.stack.cluster.pid()).not.toBe(before);
  });

  it("restarts a SIGKILLed pod agent, ends the workers it left and requeues their runs", {
    timeout: 300_000,
  }, async () => {
    const job = await h.api("POST", "/api/jobs", {
      type: "custom",
      image: "ow/supervision:1",
      entrypoint: ["sleep", "600"],
      requires_vram_gb: 0,
      params: { test: "agent-kill", at: Date.now() },
    });
    expect(job.status).toBe(201);
    const run = await until(
      "the job to run on a local worker",
      async () => {
        const [r] = await h.sql<{ id: string; worker_id: string }[]>`
        select id, worker_id from public.runs where job_id = ${job.body.id} and status = 'in_progress'`;
        return r;
      },
      180_000,
    );
    const pod = (await h.stack.agent.pods()).find((p) => p.workerId === run.worker_id);
    expect(pod?.pid).toBeGreaterThan(0);
    const agentPid = h.stack.agent.pid();
    process.kill(agentPid, "SIGKILL");
    await noticed(/pod agent stopped \(signal SIGKILL\)/);
    await until(
      "the pod agent back",
      async () => h.stack.agent.pid() !== agentPid && (await h.stack.agent.pods()),
    );
    await noticed(/pod agent is back after/);
    await until("the dead agent's worker process to be ended", async () => !alive(pod!.pid!), 60_000);
    const [settled] = await h.sql<{ run: string; worker: string; lost_runs: number }[]>`
      select r.status::text as run, w.status::text as worker, j.lost_runs
      from public.runs r join public.workers w on w.id = r.worker_id join public.jobs j on j.id = r.job_id
      where r.id = ${run.id}`;
    expect(settled).toEqual({ run: "lost", worker: "lost", lost_runs: 1 });
    expect((await h.api("POST", `/api/jobs/${job.body.id}/cancel`)).status).toBeLessThan(300);
  });

  it("marks a previous stack's live workers lost at start and requeues their jobs", {
    timeout: 300_000,
  }, async () => {
    // A worker of this stack that holds a run, as a crash of the whole stack would leave it: its row
    // active, its run in progress with a fresh lease, its pod one of a local agent.
    const org = h.stack.organizationId;
    const claims = await workerClaims(h.sql, org, "w-previous-stack");
    await h.sql`update public.workers set pod_id = 'local-1-1' where id = 'w-previous-stack'`;
    await asCaller(
      h.sql,
      claims,
      (tx) => tx`select public.register_worker('ow/previous:1', 'local', 'local-1-1')`,
    );
    const job = await h.api("POST", "/api/jobs", {
      type: "custom",
      image: "ow/previous:1",
      entrypoint: ["true"],
      requires_vram_gb: 0,
      params: { test: "previous-stack" },
      max_attempts: 1,
    });
    expect(job.status).toBe(201);
    const [claimed] = await asCaller(h.sql, claims, (tx) => tx`select * from public.claim_job(600)`);
    expect(claimed?.job_id).toBe(job.body.id);
    const { stateDir } = h;
    const dbPort = h.stack.cluster.port;
    await h.stop(true);
    h = await startHarness({ stateDir, dbPort, maxWorkers: 1 });
    // At least this worker and its run; the first stack's own local workers, when its scaler had
    // started one by then, are counted too (the count varied with timing: 1 or 2 workers seen).
    const notice = await noticed(
      /marked (\d+) worker\(s\) of the previous stack lost; (\d+) run\(s\) requeued/,
    );
    const [, workers, runs] = /marked (\d+) worker.*; (\d+) run/.exec(notice) ?? [];
    expect(Number(workers)).toBeGreaterThanOrEqual(1);
    expect(Number(runs)).toBeGreaterThanOrEqual(1);
    const [state] = await h.sql<{ worker: string; run: string; job: string; attempts: number }[]>`
      select w.status::text as worker, r.status::text as run, j.lost_runs as attempts
      from public.workers w join public.runs r on r.worker_id = w.id join public.jobs j on j.id = r.job_id
      where w.id = 'w-previous-stack'`;
    expect(state).toEqual({ worker: "lost", run: "lost", attempts: 1 });
    // Its job is back in the queue (a worker of this stack may already be running it).
    const now = await h.api("GET", `/api/jobs/${job.body.id}`);
    expect(["pending", "in_progress", "completed"]).toContain(now.body.status);
  });
});
