// Real worker processes for integration tests: `tsx worker/src/cli.ts` spawned in its own process
// group (as the local pod agent starts one), so a test can SIGKILL the whole worker at once the way
// an OOM killer or a vanished pod would. Also: reading a run's log lines back through the public api.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../scripts/db/migrate.ts";
import type { client } from "../support/stack.ts";

export const tsxBinary = join(repoRoot, "node_modules", ".bin", "tsx");

export interface CliWorker {
  child: ChildProcess;
  /** The process group id (= the tsx launcher's pid). */
  pgid: number;
  token: string;
  output(): string;
  /** SIGKILL to the whole group: nothing in the worker gets to run another line. */
  kill(): void;
  /** SIGTERM, then SIGKILL to the group after `graceMs`; resolves once the launcher exited. */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface CliWorkerOptions {
  apiUrl: string;
  token: string;
  image: string;
  workDir: string;
  /** Added to (and overriding) the worker's environment. */
  env?: Record<string, string>;
}

/** Millisecond-scale intervals, so a test is not waiting on production defaults. */
export const FAST_WORKER_ENV: Record<string, string> = {
  OW_CLAIM_WAIT_MS: "1000",
  OW_CLAIM_ERROR_BACKOFF_MS: "100",
  OW_HEARTBEAT_MS: "300",
  OW_CANCEL_GRACE_MS: "1000",
  OW_SHUTDOWN_GRACE_MS: "500",
  OW_LOG_FLUSH_MS: "50",
  OW_EVENTS_POLL_MS: "50",
  OW_RETRY_MAX_DELAY_MS: "300",
};

export function startCliWorker(options: CliWorkerOptions): CliWorker {
  const child = spawn(tsxBinary, [join(repoRoot, "worker", "src", "cli.ts")], {
    cwd: repoRoot,
    detached: true, // its own process group, like a pod
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      OPENWEIGHTS_API_URL: options.apiUrl,
      OPENWEIGHTS_WORKER_TOKEN: options.token,
      OW_WORKER_IMAGE: options.image,
      OW_WORK_DIR: options.workDir,
      ...FAST_WORKER_ENV,
      ...options.env,
    },
  });
  let output = "";
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const pgid = child.pid as number;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // the group is gone already
    }
  };
  return {
    child,
    pgid,
    token: options.token,
    output: () => output,
    kill: () => signal("SIGKILL"),
    async stop(graceMs = 5_000) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      signal("SIGKILL"); // whatever the launcher left in its group
    },
    exited,
  };
}

type Api = ReturnType<typeof client>;

export interface ApiLogLine {
  seq: number;
  stream: string;
  line: string;
}

/** Every log line of a run, read page by page through `GET /api/jobs/:id/logs`. */
export async function readRunLogs(api: Api, jobId: string, runId: string): Promise<ApiLogLine[]> {
  const lines: ApiLogLine[] = [];
  let after = -1;
  for (;;) {
    const res = await api("GET", `/api/jobs/${jobId}/logs?run_id=${runId}&after_seq=${after}&limit=1000`);
    if (res.status !== 200) throw new Error(`logs answered ${res.status}: ${JSON.stringify(res.body)}`);
    const chunks = res.body.chunks as { seq: number; streams: string; lines: string[] }[];
    if (chunks.length === 0) return lines;
    for (const chunk of chunks) {
      chunk.lines.forEach((line, i) => {
        lines.push({ seq: chunk.seq, stream: chunk.streams[i] ?? "?", line });
      });
    }
    after = Number(res.body.next_after_seq);
  }
}
