// Chaos through the local stack (issue 11, item 4): while short jobs run on real worker processes,
// restart PostgreSQL immediately, terminate its backends, SIGKILL a worker, the functions' process
// and the pod agent, one after another. Then every job completed exactly once (or failed with the
// kind its own code earned), no run is in progress past its lease, every finished run's log holds
// each of its lines once, no job or worker process is left, and the api answers — with the time
// each fault took to recover from. CI runs 30 jobs (OW_CHAOS_JOBS); `npm run chaos` runs more.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemPostgresBin } from "../../scripts/db/cluster.ts";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { alive } from "../e2e/processes.ts";
import { apiRecovery, type Harness, startHarness, until } from "./harness.ts";

const JOBS = Math.max(30, Number(process.env.OW_CHAOS_JOBS ?? 30));
const LINES = 15;
const tag = `chaos${Date.now().toString(36)}`;
let h: Harness;
const workerPids = new Set<number>();
const recoveries: { fault: string; apiMs: number; queueMs: number }[] = [];
let submitted: { id: string; k: number }[] = [];

/** Job k prints LINES numbered lines; every tenth exits 3 (its own failure: user_error, not retried). */
function submission(k: number) {
  const fails = k % 10 === 9;
  const script = `i=1; while [ $i -le ${LINES} ]; do echo ${tag}-${k}-line-$i; i=$((i+1)); sleep 0.1; done${fails ? "; exit 3" : ""}`;
  return {
    type: "custom",
    image: "ow/chaos:1",
    entrypoint: ["sh", "-c", script],
    requires_vram_gb: 0,
    params: { tag, k },
  };
}

async function submit(from: number, count: number): Promise<void> {
  for (let k = from; k < Math.min(JOBS, from + count); k++) {
    const res = await until(`job ${k} submitted`, async () => {
      const r = await h.api("POST", "/api/jobs", submission(k));
      return r.status === 201 || r.status === 200 ? r : undefined;
    });
    submitted.push({ id: String(res.body.id), k });
  }
}

/** Runs started after `at` (ms) that have finished: the queue works again end to end. */
async function finishedRunsSince(at: number): Promise<number> {
  const [row] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from public.runs r join public.jobs j on j.id = r.job_id
    where j.params ->> 'tag' = ${tag} and r.status in ('completed', 'failed') and r.started_at > to_timestamp(${at / 1000})`;
  return row?.n ?? 0;
}

async function finishedCount(): Promise<number> {
  const [row] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from public.jobs where params ->> 'tag' = ${tag} and status in ('completed', 'failed')`;
  return row?.n ?? 0;
}

async function notePods(): Promise<void> {
  for (const pod of await h.stack.agent.pods().catch(() => [])) if (pod.pid) workerPids.add(pod.pid);
}

/** Injects a fault, then times the api's return and the first job started after it finishing. */
async function fault(name: string, inject: () => Promise<void> | void): Promise<void> {
  await notePods();
  // More work for the queue first, so every fault hits a stack with jobs to run.
  await submit(submitted.length, Math.ceil((JOBS - 10) / 5));
  const at = Date.now();
  await inject();
  const apiMs = await apiRecovery(h, at);
  await until(
    `a job started after "${name}" to finish`,
    async () => (await finishedRunsSince(at)) > 0,
    240_000,
    250,
  );
  recoveries.push({ fault: name, apiMs, queueMs: Date.now() - at });
  await notePods();
}

function runAsPostgres(args: string[]): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
}

/** Processes whose command line names this run's jobs (a job process left behind would). */
function jobProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(`${tag}-`) && alive(Number(entry)))
        found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

beforeAll(async () => {
  h = await startHarness({ maxWorkers: 3 });
  submitted = [];
  await submit(0, 10);
}, 180_000);

afterAll(async () => {
  await h?.stop();
}, 120_000);

describe(`chaos: ${JOBS} jobs through the local stack under faults`, () => {
  it("survives PostgreSQL restarts, killed backends, workers, functions and pod agent", {
    timeout: 900_000,
  }, async () => {
    await until("a first job to finish", async () => (await finishedCount()) > 0, 240_000);

    await fault("PostgreSQL restarted immediately (pg_ctl restart -m immediate)", async () => {
      const [dir] = await h.sql<
        { data_directory: string }[]
      >`select current_setting('data_directory') as data_directory`;
      const bin = systemPostgresBin();
      if (h.stack.cluster.kind === "system" && bin) {
        const [cmd, ...args] = runAsPostgres([
          join(bin, "pg_ctl"),
          "-D",
          dir!.data_directory,
          "-m",
          "immediate",
          "-w",
          "-t",
          "60",
          "restart",
        ]);
        execFileSync(cmd!, args, { stdio: "ignore" });
      } else {
        process.kill(h.stack.cluster.pid()!, "SIGQUIT"); // embedded: an immediate shutdown; the supervisor starts it
      }
    });

    await fault("every PostgreSQL backend terminated (pg_terminate_backend)", async () => {
      await h.sql`select pg_terminate_backend(pid) from pg_stat_activity
        where pid <> pg_backend_pid() and backend_type = 'client backend'`;
    });

    await fault("a worker SIGKILLed mid-job", async () => {
      const victim = await until(
        "a worker running a job",
        async () => {
          const [run] = await h.sql<{ worker_id: string }[]>`
          select r.worker_id from public.runs r join public.jobs j on j.id = r.job_id
          where r.status = 'in_progress' and j.params ->> 'tag' = ${tag} limit 1`;
          const pods = await h.stack.agent.pods();
          return run && pods.find((p) => p.workerId === run.worker_id && p.status === "running" && p.pid);
        },
        240_000,
        100,
      );
      process.kill(-victim.pid!, "SIGKILL");
    });

    await fault("the functions' process SIGKILLed", () => {
      process.kill(h.stack.gateway.child().pid!, "SIGKILL");
    });

    await fault("the pod agent SIGKILLed", () => {
      process.kill(h.stack.agent.pid(), "SIGKILL");
    });

    await submit(submitted.length, JOBS);
    await until(`all ${JOBS} jobs to finish`, async () => (await finishedCount()) === JOBS, 480_000, 500);
    await notePods();
    expect(submitted.length).toBe(JOBS);

    // Exactly once: a completed job has exactly one completed run; its own failure (exit 3) fails
    // it as user_error after exactly one failed run; platform losses only add `lost` runs, or a
    // `preempted` one when a worker stopped its job itself (it watches its pod agent, and may
    // notice the agent's SIGKILL before the restarted agent marks it lost: seen in CI, 2026-12-04).
    const jobs = await h.sql<
      { id: string; k: number; status: string; failure_kind: string | null; runs: string[] }[]
    >`
      select j.id, (j.params ->> 'k')::int as k, j.status::text, j.failure_kind::text,
        array(select case when r.failure_kind = 'preempted' then 'preempted' else r.status::text end
          from public.runs r where r.job_id = j.id order by r.attempt) as runs
      from public.jobs j where j.params ->> 'tag' = ${tag} order by 2`;
    expect(jobs.length).toBe(JOBS);
    const wrong = jobs.filter((j) => {
      const finals = j.runs.filter((r) => r !== "lost" && r !== "preempted");
      if (j.k % 10 === 9)
        return !(j.status === "failed" && j.failure_kind === "user_error" && finals.join() === "failed");
      if (j.status === "failed") return j.failure_kind !== "lost" || finals.length > 0;
      return !(j.status === "completed" && finals.join() === "completed");
    });
    expect(wrong).toEqual([]);

    const [overdue] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from public.runs where status = 'in_progress' and lease_expires_at < now()`;
    expect(overdue?.n).toBe(0);

    // Every line of each finished run exactly once, in order, with no gap in the chunk numbering.
    const logs = await h.sql<{ k: number; lines: string[]; seqs: number[] }[]>`
      select (j.params ->> 'k')::int as k,
        array(select u.line from public.run_logs g, unnest(g.lines) with ordinality u(line, n)
          where g.run_id = r.id order by g.seq, u.n) as lines,
        array(select g.seq from public.run_logs g where g.run_id = r.id order by g.seq) as seqs
      from public.jobs j join public.runs r on r.job_id = j.id and r.status in ('completed', 'failed')
        and r.failure_kind is distinct from 'preempted' -- stopped part-way by its worker: a platform loss
      where j.params ->> 'tag' = ${tag}`;
    const badLogs = logs.filter((l) => {
      const mine = l.lines.filter((line) => line.startsWith(`${tag}-`));
      const want = Array.from({ length: LINES }, (_, i) => `${tag}-${l.k}-line-${i + 1}`);
      return mine.join("\n") !== want.join("\n") || l.seqs.some((s, i) => s !== i);
    });
    expect(badLogs.map((l) => ({ k: l.k, seqs: l.seqs, lines: l.lines }))).toEqual([]);

    expect(jobProcesses()).toEqual([]);
    expect((await h.api("GET", "/api/jobs?limit=1")).status).toBe(200);
    expect(recoveries.map((r) => r.fault).length).toBe(5);

    const outcome = (status: string, kind: string | null) =>
      jobs.filter((j) => j.status === status && j.failure_kind === kind).length;
    const report = {
      completed: outcome("completed", null),
      failedUserError: outcome("failed", "user_error"),
      failedLost: outcome("failed", "lost"),
      jobs: JOBS,
      faults: recoveries,
      runsLost: jobs.reduce((n, j) => n + j.runs.filter((r) => r === "lost").length, 0),
    };
    console.log(`chaos figures: ${JSON.stringify(report, null, 2)}`);
    const dir = join(repoRoot, ".openweights", "test-results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "chaos.json"), `${JSON.stringify(report, null, 2)}\n`);
  });

  it("leaves no worker process behind once the stack stops", { timeout: 180_000 }, async () => {
    expect(workerPids.size).toBeGreaterThan(0);
    await h.stop();
    await until(
      "every worker process to be gone",
      async () => [...workerPids].every((pid) => !alive(pid)),
      60_000,
    );
    h = undefined as unknown as Harness;
  });
});
