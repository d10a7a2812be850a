// The worker loop end to end, against any worker API behind a `LoopHarness`: the in-memory double
// (worker-loop.fake.test.ts) or the real functions (a harness the API suite provides). Jobs are
// small Node scripts run as real subprocesses.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseWorkerEnv } from "../src/config/env.ts";
import { CPU_ONLY } from "../src/loop/worker-identity.ts";
import { startWorker, type WorkerHandle } from "../src/main.ts";
import { createMemoryLogger, type MemoryLogger } from "../src/util/logger.ts";
import { eventually, type LoopHarness, type TestJob } from "./loop-harness.ts";

export interface TestWorker {
  handle: WorkerHandle;
  token: string;
  logger: MemoryLogger;
}

export interface TestWorkerOptions {
  shutdownGraceMs?: number;
  maxConsecutiveFailures?: number;
}

/** A worker with millisecond intervals, CPU only, whose own env holds things a job must not see. */
export async function startTestWorker(
  h: LoopHarness,
  workRoot: string,
  options: TestWorkerOptions = {},
): Promise<TestWorker> {
  const token = await h.newWorkerToken();
  const env = {
    OPENWEIGHTS_API_URL: h.apiUrl,
    OPENWEIGHTS_WORKER_TOKEN: token,
    OW_WORKER_IMAGE: h.image,
    OW_WORK_DIR: workRoot,
    OW_CLAIM_WAIT_MS: "200",
    OW_CLAIM_ERROR_BACKOFF_MS: "50",
    OW_HEARTBEAT_MS: "50",
    OW_CANCEL_GRACE_MS: "1000",
    OW_SHUTDOWN_GRACE_MS: String(options.shutdownGraceMs ?? 300),
    OW_LOG_FLUSH_MS: "20",
    OW_EVENTS_POLL_MS: "20",
    OW_RETRY_MAX_DELAY_MS: "200",
    OW_MAX_CONSECUTIVE_FAILURES: String(options.maxConsecutiveFailures ?? 5),
  };
  const config = parseWorkerEnv(env);
  const logger = createMemoryLogger();
  const workerEnv = {
    ...env,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SUPER_SECRET: "must-not-leak",
    RUNPOD_API_KEY: "pod-key-must-not-leak",
  };
  const handle = startWorker(config, {
    identity: { ...CPU_ONLY_IDENTITY, image: h.image },
    logger,
    workerEnv,
  });
  return { handle, token, logger };
}

const CPU_ONLY_IDENTITY = {
  image: "",
  provider: "local" as const,
  podId: null,
  hardware: CPU_ONLY,
  cachedModels: [],
  version: "test",
};

export const node = (script: string): string[] => [process.execPath, "-e", script];

/** Keeps printing until killed; prints its pid first so the test can check it is gone. */
export const FOREVER = `console.log("pid " + process.pid); setInterval(() => console.log("tick"), 30);`;

export function pidFrom(lines: { line: string }[]): number {
  const line = lines.find((l) => l.line.startsWith("pid "));
  if (!line) throw new Error("the job did not print its pid");
  return Number(line.line.slice(4));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SUCCESS_SCRIPT = `
const fs = require("fs"), path = require("path");
const ev = (o) => fs.appendFileSync(process.env.OPENWEIGHTS_EVENTS, (typeof o === "string" ? o : JSON.stringify(o)) + "\\n");
const params = JSON.parse(fs.readFileSync("params.json", "utf8"));
console.log("greeting " + params.greeting);
console.log("mount " + fs.readFileSync("data/input.txt", "utf8").trim());
console.error("to stderr");
console.log("secret " + process.env.MY_SECRET);
console.log("worker token " + (process.env.OPENWEIGHTS_WORKER_TOKEN ?? "absent"));
console.log("undeclared " + (process.env.SUPER_SECRET ?? "absent") + " " + (process.env.RUNPOD_API_KEY ?? "absent"));
console.log("attempt " + process.env.OPENWEIGHTS_ATTEMPT + " gpus " + process.env.N_GPUS);
for (let i = 0; i < 300; i++) console.log("line " + i);
ev({ type: "metric", step: 1, loss: 0.5 });
ev("this is not json");
ev({ type: "metric", step: 2, loss: 0.25 });
fs.mkdirSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "out"), { recursive: true });
fs.writeFileSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "out", "result.txt"), "RESULT");
`;

export function defineWorkerLoopScenarios(makeHarness: () => Promise<LoopHarness>): void {
  describe("worker loop", () => {
    let h: LoopHarness;
    let workRoot: string;
    const workers: TestWorker[] = [];
    const submit = (job: TestJob) => h.submitJob({ ...job, params: { nonce: randomUUID(), ...job.params } });
    const worker = async (options?: TestWorkerOptions) => {
      const w = await startTestWorker(h, workRoot, options);
      workers.push(w);
      return w;
    };

    beforeEach(async () => {
      h = await makeHarness();
      workRoot = mkdtempSync(join(tmpdir(), "ow-worker-test-"));
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) {
        w.handle.shutdown("test over");
        w.handle.shutdown("test over");
        await w.handle.done;
      }
      await h.close();
      rmSync(workRoot, { recursive: true, force: true });
    });

    it("runs a job to completion with its files, params, secrets, logs in order, events and results", async () => {
      const jobId = await submit({
        entrypoint: node(SUCCESS_SCRIPT),
        params: { greeting: "hello" },
        mounts: [{ path: "data/input.txt", content: "mounted content\n" }],
        secrets: { MY_SECRET: "s3cret" },
      });
      await worker();
      const job = await eventually(
        () => h.job(jobId),
        (j) => j.status === "completed",
      );
      const run = job.runs[0];
      expect(run).toMatchObject({ status: "completed", exit_code: 0 });
      const runId = run?.id as string;
      const logs = await eventually(
        () => h.logLines(runId),
        (l) => l.length >= 307,
      );
      const out = logs.filter((l) => l.stream === "o").map((l) => l.line);
      expect(out.slice(0, 6)).toEqual([
        "greeting hello",
        "mount mounted content",
        "secret s3cret",
        "worker token absent",
        "undeclared absent absent",
        "attempt 1 gpus 0",
      ]);
      expect(out.slice(6)).toEqual(Array.from({ length: 300 }, (_, i) => `line ${i}`));
      expect(logs.filter((l) => l.stream === "e").map((l) => l.line)).toEqual(["to stderr"]);
      const events = await h.events(runId);
      expect(events).toEqual([
        { type: "metric", step: 1, loss: 0.5 },
        { type: "invalid_event", raw: "this is not json" },
        { type: "metric", step: 2, loss: 0.25 },
        expect.objectContaining({ type: "file", path: "out/result.txt" }),
      ]);
      expect(await h.results(runId)).toEqual([{ path: "out/result.txt", content: "RESULT" }]);
    });

    it("reports a job that exits non-zero as a user_error with its exit code", async () => {
      const jobId = await submit({
        entrypoint: node(`console.error("boom"); process.exit(3);`),
        max_attempts: 1,
      });
      await worker();
      const job = await eventually(
        () => h.job(jobId),
        (j) => j.status === "failed",
      );
      expect(job.runs).toEqual([
        expect.objectContaining({ status: "failed", failure_kind: "user_error", exit_code: 3 }),
      ]);
      const logs = await h.logLines(job.runs[0]?.id as string);
      expect(logs).toContainEqual({ stream: "e", line: "boom" });
    });

    it("kills a canceled job's process within seconds and keeps working", async () => {
      const jobId = await submit({ entrypoint: node(FOREVER) });
      await worker();
      const running = await eventually(
        () => h.job(jobId),
        (j) => j.runs.length === 1,
      );
      const runId = running.runs[0]?.id as string;
      const pid = pidFrom(
        await eventually(
          () => h.logLines(runId),
          (l) => l.some((x) => x.line.startsWith("pid ")),
        ),
      );
      await h.cancelJob(jobId);
      await eventually(
        async () => isAlive(pid),
        // The bound only keeps a broken worker from hanging the test: under a loaded CI machine the
        // kill took over 5 s once (a heartbeat tick, then SIGTERM→SIGKILL). Speed is bench:worker's job.
        (alive) => !alive,
      );
      expect((await h.job(jobId)).status).toBe("canceled");
      const next = await submit({ entrypoint: node(`console.log("after cancel")`) });
      await eventually(
        () => h.job(next),
        (j) => j.status === "completed",
      );
    });

    it("stops a job at once when its lease is lost and reports nothing more for that run", async () => {
      const script = `if (process.env.OPENWEIGHTS_ATTEMPT === "1") { ${FOREVER} } else { console.log("second attempt"); }`;
      const jobId = await submit({ entrypoint: node(script) });
      const w = await worker();
      const first = await eventually(
        () => h.job(jobId),
        (j) => j.runs.length === 1,
      );
      const runId = first.runs[0]?.id as string;
      const pid = pidFrom(
        await eventually(
          () => h.logLines(runId),
          (l) => l.some((x) => x.line.startsWith("pid ")),
        ),
      );
      await h.breakLease(runId);
      await eventually(
        async () => isAlive(pid),
        // The bound only keeps a broken worker from hanging the test: under a loaded CI machine the
        // kill took over 5 s once (a heartbeat tick, then SIGTERM→SIGKILL). Speed is bench:worker's job.
        (alive) => !alive,
      );
      const job = await eventually(
        () => h.job(jobId),
        (j) => j.status === "completed",
      );
      expect(job.runs.map((r) => r.status)).toEqual(["lost", "completed"]);
      const finished = w.logger.records.find(
        (r) => r.message === "run finished" && r.fields.run_id === runId,
      );
      expect(finished?.fields.lease_lost).toBe(true);
    });

    it("on shutdown preempts a job that outlives the grace period, so it is requeued, and says it stopped", async () => {
      const jobId = await submit({ entrypoint: node(FOREVER), max_attempts: 1 });
      const w = await worker({ shutdownGraceMs: 300 });
      const running = await eventually(
        () => h.job(jobId),
        (j) => j.runs.length === 1,
      );
      const pid = pidFrom(
        await eventually(
          () => h.logLines(running.runs[0]?.id as string),
          (l) => l.length > 0,
        ),
      );
      w.handle.shutdown("SIGTERM");
      const exit = await w.handle.done;
      expect(exit.reason).toBe("shutdown");
      expect(isAlive(pid)).toBe(false);
      const job = await h.job(jobId);
      expect(job.status).toBe("pending");
      expect(job.runs[0]).toMatchObject({ status: "failed", failure_kind: "preempted" });
      expect(await h.workerStopped(w.token)).toBe(true);
    });

    it("on shutdown lets a job that finishes within the grace period complete", async () => {
      const jobId = await submit({
        entrypoint: node(`console.log("pid " + process.pid); setTimeout(() => console.log("done"), 400);`),
      });
      const w = await worker({ shutdownGraceMs: 10_000 });
      const { runs } = await eventually(
        () => h.job(jobId),
        (j) => j.runs.length === 1,
      );
      // Wait until the job really runs: a claim still in flight when shutdown begins is handed
      // back by design, and this scenario is about a job that is already running.
      await eventually(
        () => h.logLines(runs[0]!.id),
        (lines) => lines.some((l) => l.line.startsWith("pid ")),
      );
      w.handle.shutdown("SIGTERM");
      await w.handle.done;
      expect((await h.job(jobId)).status).toBe("completed");
    });

    it("retires itself after five jobs in a row have failed", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(await submit({ entrypoint: node(`process.exit(1)`), max_attempts: 1 }));
      const w = await worker();
      const exit = await w.handle.done;
      expect(exit.reason).toBe("retired");
      expect(await h.workerStopped(w.token)).toBe(true);
      for (const id of ids) expect((await h.job(id)).status).toBe("failed");
    });
  });
}
