// Worker benchmark (npm run bench:worker): how fast an idle worker starts a queued job, and how fast
// a job's log line becomes readable through the api. Starts its own cluster, the Deno gateway and
// one real worker process (`tsx worker/src/cli.ts`, default intervals: 20 s claim long-poll, 250 ms
// log flush), and compares, in the same run, with the original's behaviour: a worker polling for
// jobs every 5 s, and a log reader polling every 5 s. Prints a markdown report.
//
// Definitions (one machine, one clock):
//   submit          Date.now() just before POST /api/jobs is sent
//   → claimed       runs.started_at of the job's run (the claim transaction's time)
//   → process runs  the job's first output: its entrypoint is `date +%s%3N`, so the value it prints
//                   is the moment the job's process was running
//   log delay       the line's own timestamp (Date.now() in the job, printed with the line) → the
//                   moment a reader received it in a GET /api/jobs/:id/logs response

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { repoRoot } from "../db/migrate.ts";
import { startBenchStack } from "./bench-stack.ts";
import { get, ms, post, type Summary, sleep, summarize } from "./worker-stats.ts";

const N_JOBS = Number(process.env.BENCH_JOBS ?? 200);
const N_WARMUP = 10;
const N_POLL_JOBS = Number(process.env.BENCH_POLL_JOBS ?? 40);
const POLL_MS = 5_000;
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 750);
const LOG_EVERY_MS = 20;
const IMAGE = "ow/bench-worker:1";
const POLL_IMAGE = "ow/bench-poller:1";

type Sql = postgres.Sql;

interface Ctx {
  url: string;
  sql: Sql;
  orgId: string;
  admin: string;
}

async function submit(ctx: Ctx, image: string, entrypoint: string[]): Promise<{ id: string; t0: number }> {
  const t0 = Date.now();
  const job = await post(ctx.url, ctx.admin, "/api/jobs", {
    type: "custom",
    image,
    entrypoint,
    params: { nonce: randomUUID() },
    requires_vram_gb: 0,
  });
  return { id: String(job.id), t0 };
}

async function waitForStatus(sql: Sql, jobId: string, done: (s: string) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ status: string }[]>`select status from public.jobs where id = ${jobId}`;
    if (row && done(row.status)) return row.status;
    if (Date.now() > deadline) throw new Error(`job ${jobId} stuck in ${row?.status}`);
    await sleep(25);
  }
}

async function mintWorkerToken(ctx: Ctx, name: string): Promise<string> {
  const [row] = await ctx.sql<
    { token: string }[]
  >`select token from internal.mint_worker_token(${ctx.orgId}, ${name})`;
  return row!.token;
}

function startCliWorker(ctx: Ctx, token: string, workDir: string): ChildProcess {
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    [join(repoRoot, "worker", "src", "cli.ts")],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        OPENWEIGHTS_API_URL: ctx.url,
        OPENWEIGHTS_WORKER_TOKEN: token,
        OW_WORKER_IMAGE: IMAGE,
        OW_WORK_DIR: workDir,
        OW_LOG_LEVEL: process.env.OW_BENCH_WORKER_LOG_LEVEL ?? "warn",
      },
    },
  );
  return child;
}

/** (a) Sequential jobs to an idle worker: submit, wait for completion, let it go back to claiming. */
async function queueToStart(ctx: Ctx, n: number): Promise<{ claimed: number[]; running: number[] }> {
  const claimed: number[] = [];
  const running: number[] = [];
  for (let i = 0; i < n; i++) {
    // The worker is idle in its claim long-poll again (it completed the last job, then re-claimed).
    await sleep(200 + Math.random() * 300);
    const { id, t0 } = await submit(ctx, IMAGE, ["date", "+%s%3N"]);
    const status = await waitForStatus(ctx.sql, id, (s) => s !== "pending" && s !== "in_progress");
    if (status !== "completed") throw new Error(`job ${id} ended ${status}`);
    const [row] = await ctx.sql<{ started_at: Date; first: string | null }[]>`
      select r.started_at,
        (select l.lines[1] from public.run_logs l where l.run_id = r.id order by l.seq limit 1) as first
      from public.runs r where r.job_id = ${id}`;
    claimed.push(row!.started_at.getTime() - t0);
    running.push(Number(row!.first) - t0);
  }
  return { claimed, running };
}

/**
 * The original's model, measured: a worker that asks for a job every 5 s (a claim without
 * waiting) and takes whatever is pending. Jobs arrive at random times, so each waits for the next
 * poll. The poller completes a claimed job at once; only the claim time is measured.
 */
async function pollingBaseline(ctx: Ctx, n: number): Promise<number[]> {
  const token = await mintWorkerToken(ctx, "bench-poller");
  await post(ctx.url, token, "/worker-api/register", { image: POLL_IMAGE });
  let submitting = true;
  const poller = (async () => {
    while (submitting || (await pendingCount(ctx.sql)) > 0) {
      for (;;) {
        const res = (await post(ctx.url, token, "/worker-api/claim", { wait_ms: 0 })) as {
          claim: { run_id: string } | null;
        };
        if (!res.claim) break;
        await post(ctx.url, token, `/worker-api/runs/${res.claim.run_id}/complete`, { exit_code: 0 });
      }
      await sleep(POLL_MS);
    }
  })();
  const jobs: { id: string; t0: number }[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(Math.random() * 2_000);
    jobs.push(await submit(ctx, POLL_IMAGE, ["true"]));
  }
  submitting = false;
  await poller;
  const out: number[] = [];
  for (const job of jobs) {
    const [row] = await ctx.sql<
      { started_at: Date }[]
    >`select started_at from public.runs where job_id = ${job.id}`;
    out.push(row!.started_at.getTime() - job.t0);
  }
  return out;
}

async function pendingCount(sql: Sql): Promise<number> {
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from public.jobs where image = ${POLL_IMAGE} and status = 'pending'`;
  return row!.n;
}

/**
 * (b) One job prints `<Date.now()> <i>` every 20 ms; two readers follow its logs at once through
 * GET /api/jobs/:id/logs: one long-polling (`wait=20`, what `ow logs -f` and the dashboard do), one
 * asking every 5 s (the original's model).
 */
async function logLatency(ctx: Ctx): Promise<{ longPoll: number[]; poll5s: number[] }> {
  const script = `let i = 0; const t = setInterval(() => { console.log(Date.now() + " " + i); if (++i === ${LOG_LINES}) clearInterval(t); }, ${LOG_EVERY_MS});`;
  const { id } = await submit(ctx, IMAGE, [process.execPath, "-e", script]);
  let runId: string | undefined;
  while (runId === undefined) {
    const [row] = await ctx.sql<{ id: string }[]>`select id from public.runs where job_id = ${id}`;
    runId = row?.id;
    if (runId === undefined) await sleep(10);
  }
  const follow = async (wait: number, pauseMs: number) => {
    const delays: number[] = [];
    let after = -1;
    for (;;) {
      const page = (await get(
        ctx.url,
        ctx.admin,
        `/api/jobs/${id}/logs?run_id=${runId}&after_seq=${after}&limit=1000&wait=${wait}`,
      )) as { chunks: { lines: string[] }[]; next_after_seq: number; run_finished: boolean };
      const now = Date.now();
      for (const chunk of page.chunks)
        for (const line of chunk.lines) delays.push(now - Number(line.split(" ")[0]));
      after = page.next_after_seq;
      if (page.run_finished && page.chunks.length === 0) return delays;
      if (pauseMs > 0 && page.chunks.length < 1000) await sleep(pauseMs);
    }
  };
  const [longPoll, poll5s] = await Promise.all([follow(20, 0), follow(0, POLL_MS)]);
  await waitForStatus(ctx.sql, id, (s) => s === "completed");
  if (longPoll.length !== LOG_LINES || poll5s.length !== LOG_LINES)
    throw new Error(`readers saw ${longPoll.length} / ${poll5s.length} of ${LOG_LINES} lines`);
  return { longPoll, poll5s };
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), "ow-bench-worker-runs-"));
  const stack = await startBenchStack("worker");
  let sql: Sql | undefined;
  let worker: ChildProcess | undefined;
  try {
    sql = postgres(stack.dbUrl, { max: 4, onnotice: () => {} });
    const ctx: Ctx = { url: stack.url, sql, orgId: stack.orgId, admin: stack.adminToken };

    worker = startCliWorker(ctx, await mintWorkerToken(ctx, "bench-worker"), workDir);
    console.error("warming up (worker start-up, JIT, pools)…");
    await queueToStart(ctx, N_WARMUP);
    console.error(`(a) ${N_JOBS} jobs to the idle worker…`);
    const a = await queueToStart(ctx, N_JOBS);
    console.error(`(a') ${N_POLL_JOBS} jobs to a worker polling every 5 s…`);
    const baseline = await pollingBaseline(ctx, N_POLL_JOBS);
    console.error(`(b) ${LOG_LINES} log lines, one every ${LOG_EVERY_MS} ms, two readers…`);
    const b = await logLatency(ctx);

    const claimed = summarize(a.claimed);
    const running = summarize(a.running);
    const polled = summarize(baseline);
    const longPoll = summarize(b.longPoll);
    const poll5s = summarize(b.poll5s);
    const ratio = (x: number, y: number) => `${(x / y).toFixed(1)}×`;
    const row = (name: string, s: Summary) =>
      `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`;
    console.log(
      [
        "| measurement | n | p50 | p95 | max |",
        "|---|---|---|---|---|",
        row("(a) submit → claimed (`runs.started_at`), idle worker, 20 s long-poll", claimed),
        row("(a) submit → job process running (its first output), idle worker", running),
        row("(a′) submit → claimed, worker polling every 5 s (the original)", polled),
        row(`(b) log line → received, reader long-polling \`wait=20\``, longPoll),
        row("(b′) log line → received, reader polling every 5 s (the original)", poll5s),
        "",
        `Queue → claimed: 5 s polling ÷ long-poll = ${ratio(polled.p50, claimed.p50)} at p50, ${ratio(polled.p95, claimed.p95)} at p95; ` +
          `5 s polling's claim ÷ our process running = ${ratio(polled.p50, running.p50)} at p50, ${ratio(polled.p95, running.p95)} at p95. ` +
          `Queue → process running p50 ${ms(running.p50)} (goal ≤ 250 ms: ${running.p50 <= 250 ? "met" : "missed"}).`,
        `Log line → readable: 5 s polling ÷ long-poll = ${ratio(poll5s.p50, longPoll.p50)} at p50, ${ratio(poll5s.p95, longPoll.p95)} at p95; ` +
          `long-poll p95 ${ms(longPoll.p95)} (goal ≤ 1 s: ${longPoll.p95 <= 1000 ? "met" : "missed"}).`,
        "",
        `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "?"}, Node ${process.version}.`,
      ].join("\n"),
    );
  } finally {
    if (worker?.pid !== undefined) {
      try {
        process.kill(-worker.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await sql?.end({ timeout: 1 });
    await stack.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
