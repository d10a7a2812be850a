// The worker's environment, parsed once at start-up; every problem is listed at once (STYLE 12).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { POD_ID_PATTERN, SERVING_PORT } from "../../../supabase/functions/_shared/providers/public-url.ts";
import { DEFAULT_JOB_USER } from "../executors/job-user.ts";
import { huggingFaceHubDir } from "../gpu/hf-cache.ts";
import {
  apiUrls,
  DEFAULT_INTERVALS,
  DEFAULT_LOG_LIMITS,
  RUNPOD_REST_URL,
  type WorkerConfig,
} from "./worker-config.ts";

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const positive = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const list = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(/[,\s]+/)
      .map((x) => x.trim())
      .filter((x) => x !== ""),
  );
const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .default("")
  .transform((v) => v === "1" || v === "true" || v === "yes");
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? null : v.trim()));

const I = DEFAULT_INTERVALS;
const L = DEFAULT_LOG_LIMITS;

export const WorkerEnv = z.object({
  OPENWEIGHTS_API_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL (the functions base)" }),
  OPENWEIGHTS_WORKER_TOKEN: z.string({ error: "is required (a worker-role token)" }).min(1, "is required"),
  OW_WORKER_ID: optional,
  OW_WORKER_IMAGE: z.string().min(1).max(255).default("local"),
  OW_EXECUTOR: z.enum(["process", "docker"]).default("process"),
  OW_JOB_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a user name")
    .default(DEFAULT_JOB_USER),
  OW_WORK_DIR: optional,
  OW_KEEP_WORKDIRS: flag,
  HF_HOME: z.string().optional(),
  HF_HUB_CACHE: z.string().optional(),
  OW_CLAIM_WAIT_MS: ms(I.claimWaitMs).pipe(z.number().max(25_000)),
  OW_CLAIM_ERROR_BACKOFF_MS: ms(I.claimErrorBackoffMs),
  OW_HEARTBEAT_MS: positive(I.heartbeatMs),
  OW_LEASE_MS: positive(I.leaseMs),
  OW_CANCEL_GRACE_MS: ms(I.cancelGraceMs),
  OW_SHUTDOWN_GRACE_MS: ms(I.shutdownGraceMs),
  OW_LOG_FLUSH_MS: positive(I.logFlushMs),
  OW_EVENTS_POLL_MS: positive(I.eventsPollMs),
  OW_FINAL_FLUSH_MS: ms(I.finalFlushMs),
  OW_TTL_HOURS: z.coerce.number().min(0).optional(),
  OW_REQUEST_TIMEOUT_MS: positive(I.requestTimeoutMs),
  OW_RETRY_MAX_DELAY_MS: positive(I.retryMaxDelayMs),
  OW_LOG_MAX_BATCH_LINES: positive(L.maxBatchLines).pipe(z.number().max(10_000)),
  OW_LOG_MAX_BATCH_BYTES: positive(L.maxBatchBytes),
  OW_LOG_MAX_BUFFERED_BYTES: positive(L.maxBufferedBytes),
  OW_LOG_MAX_LINE_CHARS: positive(L.maxLineChars).pipe(z.number().max(65_536)),
  OW_MAX_CONSECUTIVE_FAILURES: positive(5),
  OW_JOB_ENV_ALLOW: list,
  OW_DOCKER_NETWORK: z.string().default("host"),
  OW_DOCKER_ARGS: list,
  RUNPOD_POD_ID: optional.pipe(
    z.string().regex(POD_ID_PATTERN, "must be a RunPod pod id (one lowercase DNS label)").nullable(),
  ),
  RUNPOD_API_KEY: optional,
  // Local pods: the host clients use to reach this machine, and a fixed serving port if wanted.
  OW_PUBLIC_HOST: z.string().min(1).default("127.0.0.1"),
  OW_SERVE_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  OW_RUNPOD_REST_URL: z.url().default(RUNPOD_REST_URL),
  OW_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Set by the local pod agent: its pid; the worker shuts down when that process is gone.
  OW_SUPERVISOR_PID: z.coerce.number().int().min(2).optional(),
});

export class WorkerEnvError extends Error {
  override readonly name = "WorkerEnvError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid worker configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/** Throws `WorkerEnvError` naming every bad or missing variable. */
export function parseWorkerEnv(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    throw new WorkerEnvError(parsed.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`));
  }
  const e = parsed.data;
  const runpod =
    e.RUNPOD_POD_ID !== null && e.RUNPOD_API_KEY !== null
      ? {
          podId: e.RUNPOD_POD_ID,
          apiKey: e.RUNPOD_API_KEY,
          restUrl: e.OW_RUNPOD_REST_URL.replace(/\/+$/, ""),
        }
      : null;
  return {
    ...apiUrls(e.OPENWEIGHTS_API_URL),
    token: e.OPENWEIGHTS_WORKER_TOKEN,
    workerIdHint: e.OW_WORKER_ID,
    image: e.OW_WORKER_IMAGE,
    executor: e.OW_EXECUTOR,
    jobUser: e.OW_JOB_USER,
    workRoot: e.OW_WORK_DIR ?? join(tmpdir(), "openweights-runs"),
    keepWorkdirs: e.OW_KEEP_WORKDIRS,
    hfHubDir: huggingFaceHubDir(e),
    intervals: {
      claimWaitMs: e.OW_CLAIM_WAIT_MS,
      claimErrorBackoffMs: e.OW_CLAIM_ERROR_BACKOFF_MS,
      heartbeatMs: e.OW_HEARTBEAT_MS,
      leaseMs: e.OW_LEASE_MS,
      cancelGraceMs: e.OW_CANCEL_GRACE_MS,
      shutdownGraceMs: e.OW_SHUTDOWN_GRACE_MS,
      logFlushMs: e.OW_LOG_FLUSH_MS,
      eventsPollMs: e.OW_EVENTS_POLL_MS,
      finalFlushMs: e.OW_FINAL_FLUSH_MS,
      ttlMs:
        e.OW_TTL_HOURS === undefined
          ? DEFAULT_INTERVALS.ttlMs
          : e.OW_TTL_HOURS === 0
            ? null
            : e.OW_TTL_HOURS * 3_600_000,
      requestTimeoutMs: e.OW_REQUEST_TIMEOUT_MS,
      retryMaxDelayMs: e.OW_RETRY_MAX_DELAY_MS,
    },
    logs: {
      maxBatchLines: e.OW_LOG_MAX_BATCH_LINES,
      maxBatchBytes: e.OW_LOG_MAX_BATCH_BYTES,
      maxBufferedBytes: e.OW_LOG_MAX_BUFFERED_BYTES,
      maxLineChars: e.OW_LOG_MAX_LINE_CHARS,
    },
    maxConsecutiveFailures: e.OW_MAX_CONSECUTIVE_FAILURES,
    jobEnvAllow: e.OW_JOB_ENV_ALLOW,
    docker: { network: e.OW_DOCKER_NETWORK === "" ? null : e.OW_DOCKER_NETWORK, extraArgs: e.OW_DOCKER_ARGS },
    // On RunPod the pod spec exposes SERVING_PORT through RunPod's proxy; elsewhere each run gets a
    // free loopback port so several local workers can serve at once.
    publicEndpoint:
      e.RUNPOD_POD_ID !== null
        ? { provider: "runpod", podId: e.RUNPOD_POD_ID }
        : { provider: "local", host: e.OW_PUBLIC_HOST },
    servingPort: e.OW_SERVE_PORT ?? (e.RUNPOD_POD_ID !== null ? SERVING_PORT : null),
    runpod,
    logLevel: e.OW_LOG_LEVEL,
    supervisorPid: e.OW_SUPERVISOR_PID ?? null,
  };
}
