// The real platform for the ML suites: Postgres + the Deno gateway (tests/support/stack.ts), real
// workers claiming the built-in images' jobs with the pinned CPU venv first on PATH, and the SDK.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_IMAGES } from "../../sdk/src/jobs/context.ts";
import { type Job, OpenWeights } from "../../sdk/src/node/index.ts";
import { parseWorkerEnv } from "../../worker/src/config/env.ts";
import { startWorker, type WorkerHandle } from "../../worker/src/main.ts";
import { createMemoryLogger } from "../../worker/src/util/logger.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { jobScriptsDir, ML_JOB_ENV, type MlEnv } from "./ml-env.ts";

export interface MlStack {
  stack: TestStack;
  ow: OpenWeights;
  dataDir: string;
  workers: WorkerHandle[];
  /** Writes rows as JSONL under dataDir and returns the path. */
  jsonl(name: string, rows: unknown[]): string;
  /** A result file of a job's latest run, by its path in uploads/. */
  resultText(jobId: string, path: string): Promise<string>;
  events(jobId: string, type?: string): Promise<Record<string, unknown>[]>;
  /** Waits for a job to finish; a failed one has its failure and last log lines printed. */
  waitDone(jobId: string): Promise<Job>;
  /** Downloads the job's result files under `prefix/` into a new local directory; returns it. */
  downloadResults(jobId: string, prefix: string): Promise<string>;
  /** Runs sdk/job-scripts/tests/ml_reference.py in the venv and parses its JSON answer. */
  reference(args: string[]): unknown;
  stop(): Promise<void>;
}

/** `perImage` workers for each built-in image; each runs one job at a time. */
export async function startMlStack(env: MlEnv, perImage: number): Promise<MlStack> {
  const stack = await startTestStack();
  const workRoot = mkdtempSync(join(tmpdir(), "ow-ml-runs-"));
  const dataDir = mkdtempSync(join(tmpdir(), "ow-ml-data-"));
  // Some jobs read a local dataset by path (MMLU-Pro's directory); jobs run as the job user, and
  // mkdtemp makes the directory owner-only.
  chmodSync(dataDir, 0o755);
  const workers: WorkerHandle[] = [];
  const workerEnv = {
    PATH: `${env.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: process.env.HOME ?? "/tmp",
    ...ML_JOB_ENV,
  };
  for (const image of [DEFAULT_IMAGES.unsloth, DEFAULT_IMAGES.vllm]) {
    for (let i = 0; i < perImage; i++) {
      const name = `w-${image.split("-").at(-1)}-${i}`;
      const [row] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, ${name})`;
      const config = parseWorkerEnv({
        OPENWEIGHTS_API_URL: stack.url,
        OPENWEIGHTS_WORKER_TOKEN: String(row!.token),
        OW_WORKER_IMAGE: image,
        OW_WORK_DIR: workRoot,
        OW_CLAIM_WAIT_MS: "1000",
        OW_HEARTBEAT_MS: "1000",
        OW_EVENTS_POLL_MS: "100",
        OW_LOG_FLUSH_MS: "200",
        OW_CANCEL_GRACE_MS: "3000",
        OW_JOB_ENV_ALLOW: Object.keys(ML_JOB_ENV).join(","),
      });
      workers.push(startWorker(config, { logger: createMemoryLogger(), workerEnv }));
    }
  }
  const ow = new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url });
  return {
    stack,
    ow,
    dataDir,
    workers,
    async waitDone(jobId) {
      const job = await ow.jobs.wait(jobId, { pollInterval: 500, maxPollInterval: 2000 });
      if (job.status === "failed") {
        const page = await ow.logs.read(jobId, { wait: 0 });
        const lines = page.chunks.flatMap((chunk) => chunk.lines);
        console.error(
          `job ${jobId} ended ${job.status}: ${job.failure_message ?? ""}\n${lines.slice(-40).join("\n")}`,
        );
      }
      return job;
    },
    jsonl(name, rows) {
      const path = join(dataDir, name);
      writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      return path;
    },
    async resultText(jobId, path) {
      const job = await ow.jobs.retrieve(jobId);
      const files = (job.outputs as { files?: Record<string, string> } | null)?.files ?? {};
      const fileId = files[path];
      if (!fileId)
        throw new Error(`job ${jobId} has no result ${path}; it has ${Object.keys(files).join(", ")}`);
      return (await ow.files.content(fileId)).text();
    },
    async downloadResults(jobId, prefix) {
      const job = await ow.jobs.retrieve(jobId);
      const files = (job.outputs as { files?: Record<string, string> } | null)?.files ?? {};
      const dir = mkdtempSync(join(dataDir, "results-"));
      for (const [path, fileId] of Object.entries(files)) {
        if (!path.startsWith(`${prefix}/`)) continue;
        const target = join(dir, path.slice(prefix.length + 1));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, new Uint8Array(await (await ow.files.content(fileId)).arrayBuffer()));
      }
      return dir;
    },
    async events(jobId, type) {
      const out: Record<string, unknown>[] = [];
      for await (const e of ow.events.list(jobId, type ? { type } : {}))
        out.push(e.data as Record<string, unknown>);
      return out;
    },
    reference(args) {
      const out = execFileSync(env.python, [join(jobScriptsDir, "tests", "ml_reference.py"), ...args], {
        cwd: jobScriptsDir,
        env: { ...process.env, ...ML_JOB_ENV },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      return JSON.parse(out.trim().split("\n").at(-1)!);
    },
    async stop() {
      for (const w of workers) w.shutdown("test finished");
      await Promise.all(workers.map((w) => w.done));
      await stack.stop();
      for (const dir of [workRoot, dataDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of live processes whose environment says they run `jobId` (the job's Python process). */
export function jobProcesses(jobId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environ.includes(`OPENWEIGHTS_JOB_ID=${jobId}`)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}
