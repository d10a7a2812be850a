import type { PublicEndpoint } from "../../../supabase/functions/_shared/providers/public-url.ts";

/** Everything the worker is told at start-up; every interval has a default (STYLE 14). */
export interface WorkerConfig {
  /** Functions base URL, e.g. `https://x.supabase.co/functions/v1`; jobs get it as OPENWEIGHTS_API_URL. */
  apiUrl: string;
  /** `{apiUrl}/worker-api`. */
  workerApiUrl: string;
  token: string;
  /** The id the scaler gave this worker (OW_WORKER_ID); the server's answer to register is authoritative. */
  workerIdHint: string | null;
  /** The image this worker runs in; the server only hands out jobs for this image. */
  image: string;
  executor: "process" | "docker";
  /** The user jobs run as when the worker is root (process executor; see job-user.ts). */
  jobUser: string;
  /** Parent directory of each run's fresh working directory. */
  workRoot: string;
  keepWorkdirs: boolean;
  hfHubDir: string;
  intervals: WorkerIntervals;
  logs: LogLimits;
  maxConsecutiveFailures: number;
  /** Extra variable names (or `PREFIX_*` patterns) passed from the worker's env into jobs. */
  jobEnvAllow: string[];
  docker: { network: string | null; extraArgs: string[] };
  /** Where this pod's ports are reached from outside; jobs get it as OPENWEIGHTS_PUBLIC_URL. */
  publicEndpoint: PublicEndpoint;
  /** The port a serving job listens on (OPENWEIGHTS_SERVE_PORT); null = a free loopback port per run. */
  servingPort: number | null;
  /** Set when running on a RunPod pod: the worker terminates its own pod on exit. */
  runpod: { podId: string; apiKey: string; restUrl: string } | null;
  logLevel: "debug" | "info" | "warn" | "error";
  /** The process that started this worker and alone stops it (the local pod agent): when it is
   * gone, the worker shuts down as on SIGTERM (see util/supervisor-watch.ts). */
  supervisorPid: number | null;
}

export interface WorkerIntervals {
  /** Long-poll wait per claim call (the server caps it at 25 s). */
  claimWaitMs: number;
  /** Pause after a failed claim before trying again. */
  claimErrorBackoffMs: number;
  heartbeatMs: number;
  /** Lease length assumed until the server says otherwise. */
  leaseMs: number;
  /** SIGTERM → SIGKILL for a canceled or timed-out job. */
  cancelGraceMs: number;
  /** On SIGTERM to the worker: how long a running job may still finish before it is preempted. */
  shutdownGraceMs: number;
  logFlushMs: number;
  eventsPollMs: number;
  /** After the job exits: how long log and event forwarding may take before lines are given up. */
  finalFlushMs: number;
  /** Stop claiming after this long (the pod is recycled); null = never. */
  ttlMs: number | null;
  requestTimeoutMs: number;
  retryMaxDelayMs: number;
}

export interface LogLimits {
  maxBatchLines: number;
  maxBatchBytes: number;
  /** Lines held for sending before the job's output is paused (backpressure). */
  maxBufferedBytes: number;
  /** Longer lines are split into pieces of this many characters (the API takes ≤ 65,536). */
  maxLineChars: number;
}

export const DEFAULT_INTERVALS: WorkerIntervals = {
  claimWaitMs: 20_000,
  claimErrorBackoffMs: 2_000,
  heartbeatMs: 5_000,
  leaseMs: 60_000,
  cancelGraceMs: 5_000,
  shutdownGraceMs: 30_000,
  logFlushMs: 250,
  eventsPollMs: 250,
  finalFlushMs: 120_000,
  ttlMs: 24 * 3_600_000,
  requestTimeoutMs: 30_000,
  retryMaxDelayMs: 10_000,
};

export const DEFAULT_LOG_LIMITS: LogLimits = {
  maxBatchLines: 2_000,
  maxBatchBytes: 512 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxLineChars: 16_384,
};

export const RUNPOD_REST_URL = "https://api.runpod.io/v2";

/** `…/functions/v1` or `…/functions/v1/worker-api` → both URLs. */
export function apiUrls(raw: string): { apiUrl: string; workerApiUrl: string } {
  const trimmed = raw.replace(/\/+$/, "");
  const apiUrl = trimmed.endsWith("/worker-api") ? trimmed.slice(0, -"/worker-api".length) : trimmed;
  return { apiUrl, workerApiUrl: `${apiUrl}/worker-api` };
}
