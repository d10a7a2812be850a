// The soak: many short jobs through the local stack (`startLocalStack`: PostgreSQL, the functions
// under Deno, the pod agent, the scaler loop) with a cap of N local workers, until the queue drains,
// while the memory of every long-lived process is sampled. `npm run soak` runs the full count;
// tests/soak/soak.test.ts runs a smaller one in CI. The run fails on a stall (no job finished for
// `stallMs`), never on its total time.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "../db/cluster.ts";
import { startLocalStack } from "../local/stack.ts";
import { judgeMemory, type MemorySample, type MemoryVerdict } from "./memory.ts";
import { sampleStackProcesses } from "./processes.ts";

export interface SoakOptions {
  jobs: number;
  workers: number;
  /** Jobs submitted but not finished at most: a steady queue rather than one burst. */
  backlog?: number;
  sampleEveryMs?: number;
  stallMs?: number;
  /** The job's shell script for job i (default `echo soak-line-<i>`); it must print that line. */
  script?: (i: number) => string;
  log?: (line: string) => void;
}

export interface SoakReport {
  jobs: number;
  workers: number;
  wallMs: number;
  /** From the last submission to the last job finishing. */
  drainMs: number;
  statuses: Record<string, number>;
  /** Jobs without exactly one run, with a run still in progress, or completed without a completed run. */
  notExactlyOnce: number;
  /** Per run: its end (finished_at) after its last log chunk arrived; the slowest, by `params.shape`. */
  slowestEndAfterLastLogMs: Record<string, number>;
  /** Jobs whose log does not hold their one line exactly once. */
  logMismatches: number;
  distinctWorkers: number;
  maxWorkersAlive: number;
  samples: number;
  /** Every sample, for a closer look (`OW_SOAK_SAMPLES=<file> npm run soak` writes them). */
  sampled: MemorySample[];
  memory: MemoryVerdict;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const backlog = options.backlog ?? 100;
  const stallMs = options.stallMs ?? 180_000;
  // Under /var/tmp when root: the postgres OS user must reach the data directory.
  const stateDir = mkdtempSync(join(process.getuid?.() === 0 ? "/var/tmp" : tmpdir(), "ow-soak-"));
  chmodSync(stateDir, 0o755);
  const port = await freePort();
  const stack = await startLocalStack({
    stateDir,
    port,
    dbPort: await freePort(),
    realtimePort: await freePort(),
    maxWorkers: options.workers,
    tickSeconds: 2,
    log,
  });
  const sql = postgres(stack.cluster.url, { max: 2, onnotice: () => {} });
  const samples: MemorySample[] = [];
  let maxWorkersAlive = 0;
  try {
    const started = Date.now();
    const nonce = `${Date.now()}`;
    let submitted = 0;
    let finished = 0;
    let lastProgressAt = Date.now();
    let lastSubmitAt = started;
    let nextSampleAt = 0;
    const submitOne = async (i: number) => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${stack.url}/api/jobs`, {
          method: "POST",
          headers: { authorization: `Bearer ${stack.token}`, "content-type": "application/json" },
          body: JSON.stringify({
            type: "custom",
            image: "ow/soak:1",
            entrypoint: ["sh", "-c", options.script?.(i) ?? `echo soak-line-${i}`],
            params: {
              soak: nonce,
              i,
              shape: options.script ? options.script(i).replace(/\d+/g, "N") : "echo",
            },
            requires_vram_gb: 0,
          }),
        });
        await res.body?.cancel();
        if (res.status === 201) return;
        // 503 (database busy) is the api's way of saying "retry"; anything else is a failure.
        if (res.status !== 503 || attempt > 20) throw new Error(`submitting job ${i}: HTTP ${res.status}`);
        await sleep(500);
      }
    };
    // The submitter keeps at most `backlog` jobs unfinished, four requests at a time (a few SDK
    // clients); the loop below counts finished jobs and samples memory meanwhile.
    let submitError: unknown = null;
    const submitter = (async () => {
      while (submitted < options.jobs) {
        const room = Math.min(backlog - (submitted - finished), options.jobs - submitted, 4);
        if (room <= 0) {
          await sleep(100);
          continue;
        }
        await Promise.all(Array.from({ length: room }, (_, k) => submitOne(submitted + k)));
        submitted += room;
        lastSubmitAt = Date.now();
      }
    })().catch((error: unknown) => {
      submitError = error;
    });
    while (finished < options.jobs) {
      if (submitError) throw submitError;
      const [row] = await sql<{ done: number }[]>`
        select count(*)::int as done from public.jobs where status in ('completed', 'failed', 'canceled')`;
      if (row!.done > finished) {
        finished = row!.done;
        lastProgressAt = Date.now();
      }
      if (Date.now() - lastProgressAt > stallMs)
        throw new Error(
          `stalled: no job finished for ${stallMs} ms (${finished} of ${options.jobs} finished)`,
        );
      if (Date.now() >= nextSampleAt) {
        nextSampleAt = Date.now() + (options.sampleEveryMs ?? 500);
        const alive = (await stack.agent.pods()).filter((p) => p.status === "running").length;
        maxWorkersAlive = Math.max(maxWorkersAlive, alive);
        samples.push({
          progress: finished,
          at: Date.now(),
          processes: await sampleStackProcesses(stack, sql),
        });
        if (samples.length % 20 === 1)
          log(`soak: ${finished}/${options.jobs} finished, ${submitted} submitted, ${alive} workers`);
      }
      await sleep(200);
    }
    await submitter;
    const ended = Date.now();
    samples.push({ progress: finished, at: ended, processes: await sampleStackProcesses(stack, sql) });
    const report: SoakReport = {
      jobs: options.jobs,
      workers: options.workers,
      wallMs: ended - started,
      drainMs: ended - lastSubmitAt,
      statuses: await statuses(sql),
      notExactlyOnce: await notExactlyOnce(sql),
      slowestEndAfterLastLogMs: await slowestEnds(sql),
      logMismatches: await logMismatches(sql),
      distinctWorkers: await distinctWorkers(sql),
      maxWorkersAlive,
      samples: samples.length,
      sampled: samples,
      memory: judgeMemory(samples, options.jobs),
    };
    return report;
  } finally {
    await sql.end();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function statuses(sql: postgres.Sql): Promise<Record<string, number>> {
  const rows = await sql<{ status: string; n: number }[]>`
    select status, count(*)::int as n from public.jobs group by status`;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function notExactlyOnce(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.jobs j
    where (select count(*) from public.runs r where r.job_id = j.id) <> 1
       or exists (select 1 from public.runs r where r.job_id = j.id and r.status = 'in_progress')
       or (j.status = 'completed'
           and not exists (select 1 from public.runs r where r.job_id = j.id and r.status = 'completed'))`;
  return row!.n;
}

async function slowestEnds(sql: postgres.Sql): Promise<Record<string, number>> {
  const rows = await sql<{ shape: string; ms: number }[]>`
    select j.params ->> 'shape' as shape,
      max(extract(epoch from (r.finished_at - l.last_log)) * 1000)::int as ms
    from public.jobs j join public.runs r on r.job_id = j.id
    join lateral (select max(created_at) as last_log from public.run_logs where run_id = r.id) l on true
    group by 1`;
  return Object.fromEntries(rows.map((r) => [r.shape, r.ms]));
}

/** Each job printed `soak-line-<i>` once: its log must hold exactly that line, once. */
async function logMismatches(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.jobs j
    where (select count(*) from public.run_logs l, unnest(l.lines) as line
           where l.job_id = j.id and line = 'soak-line-' || (j.params ->> 'i')) <> 1`;
  return row!.n;
}

async function distinctWorkers(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(distinct worker_id)::int as n from public.runs`;
  return row!.n;
}
