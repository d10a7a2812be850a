// Wiring only (STYLE 13): parse the env once, inspect the machine, build the API client and the
// executor, run the loop, and on the way out stop the pod we run on.

import type { WorkerApi } from "./api/worker-api.ts";
import { WorkerApiClient } from "./api/worker-api-client.ts";
import { parseCliArgs, USAGE } from "./config/cli-args.ts";
import { parseWorkerEnv, WorkerEnvError } from "./config/env.ts";
import { scrubCredentialFromEnv, TOKEN_FILE_VAR, takeTokenFromFile } from "./config/token-file.ts";
import type { WorkerConfig } from "./config/worker-config.ts";
import { DockerExecutor } from "./executors/docker-executor.ts";
import type { Executor } from "./executors/executor.ts";
import { prepareJobCaches } from "./executors/job-caches.ts";
import { resolveJobUser } from "./executors/job-user.ts";
import { ProcessExecutor } from "./executors/process-executor.ts";
import type { WorkerIdentity } from "./loop/worker-identity.ts";
import { type WorkerExit, WorkerLoop, type WorkerLoopDeps } from "./loop/worker-loop.ts";
import { terminateOwnPod } from "./runpod/terminate-own-pod.ts";
import { inspectMachine, WORKER_VERSION } from "./startup.ts";
import { type Clock, systemClock } from "./util/clock.ts";
import { createShippingLogger } from "./util/log-shipper.ts";
import { createStreamLogger, type Logger } from "./util/logger.ts";
import { watchSupervisor } from "./util/supervisor-watch.ts";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_CONFIG = 2;
export const EXIT_UNHEALTHY_GPU = 3;

export function createExecutor(config: WorkerConfig): Executor {
  return config.executor === "docker"
    ? new DockerExecutor({ network: config.docker.network, extraArgs: config.docker.extraArgs })
    : new ProcessExecutor({
        sweepGraceMs: config.intervals.cancelGraceMs,
        jobUser: resolveJobUser(config.jobUser),
      });
}

export function createApiClient(config: WorkerConfig, fetchImpl: typeof fetch = fetch): WorkerApi {
  return new WorkerApiClient({
    workerApiUrl: config.workerApiUrl,
    token: config.token,
    fetch: fetchImpl,
    requestTimeoutMs: config.intervals.requestTimeoutMs,
    userAgent: `openweights-worker/${WORKER_VERSION}`,
  });
}

export interface StartWorkerOptions {
  /** Defaults to nvidia-smi + the HF cache scan; tests pass a fixed identity. */
  identity?: WorkerIdentity;
  api?: WorkerApi;
  executor?: Executor;
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  workerEnv?: Record<string, string | undefined>;
}

export interface WorkerHandle {
  /** Resolves when the worker has stopped (and, on RunPod, asked for its pod to be terminated). */
  done: Promise<WorkerExit | { reason: "unhealthy"; detail: string }>;
  shutdown(detail?: string): void;
}

/** Starts a worker in this process. `shutdown` behaves like SIGTERM (a second call: at once). */
export function startWorker(config: WorkerConfig, options: StartWorkerOptions = {}): WorkerHandle {
  const logger = options.logger ?? createStreamLogger(config.logLevel);
  const fetchImpl = options.fetch ?? fetch;
  const deps: WorkerLoopDeps = {
    api: options.api ?? createApiClient(config, fetchImpl),
    executor: options.executor ?? createExecutor(config),
    clock: options.clock ?? systemClock,
    logger,
    fetch: fetchImpl,
    workerEnv: options.workerEnv ?? process.env,
  };
  warnIfJobsShareOurUser(config, logger);
  let loop: WorkerLoop | null = null;
  let pendingShutdown: string | null = null;
  const done = (async () => {
    await reclaimLeftovers(deps);
    await prepareCaches(config, deps);
    const identity = options.identity ?? (await inspectOrReport(config, deps));
    if (typeof identity === "string") return { reason: "unhealthy" as const, detail: identity };
    loop = new WorkerLoop(config, identity, deps);
    if (pendingShutdown !== null) loop.shutdown(pendingShutdown);
    const exit = await loop.run();
    await terminatePodIfAny(config, fetchImpl, logger);
    return exit;
  })();
  return {
    done,
    shutdown(detail = "shutdown requested") {
      if (loop) loop.shutdown(detail);
      else pendingShutdown = detail;
    },
  };
}

/** A failure here is logged, not fatal: the leftovers cost GPU memory, which the GPU check reports. */
async function reclaimLeftovers(deps: WorkerLoopDeps): Promise<void> {
  try {
    const ended = (await deps.executor.reclaimLeftovers?.()) ?? [];
    if (ended.length > 0)
      deps.logger.warn("removed job containers a previous worker left running", {
        containers: ended.join(","),
      });
  } catch (error) {
    deps.logger.error("could not look for job containers a previous worker left running", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The shared caches the worker's env names, made the job user's (job-caches.ts); never fatal. */
async function prepareCaches(config: WorkerConfig, deps: WorkerLoopDeps): Promise<void> {
  const user = deps.executor instanceof ProcessExecutor ? deps.executor.jobUser : null;
  if (user === null) return;
  const { ready, skipped } = await prepareJobCaches(deps.workerEnv, user, config.workRoot);
  if (ready.length > 0)
    deps.logger.info("shared caches handed to the job user", { user: user.name, paths: ready.join(",") });
  for (const s of skipped)
    deps.logger.warn("a cache jobs are told to use is not theirs to write", {
      name: s.name,
      path: s.path,
      reason: s.reason,
    });
}

/** Under the process executor a job running as the worker's own user can read its credential. */
function warnIfJobsShareOurUser(config: WorkerConfig, logger: Logger): void {
  if (config.executor !== "process") return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && config.jobUser !== "root") return;
  logger.warn(
    "jobs run as this worker's own user and can read its credential (/proc/<pid>/environ); run the worker as root (jobs then run as an unprivileged user) or with OW_EXECUTOR=docker",
    { job_user: root ? "root" : "worker's user" },
  );
}

/** The machine's identity, or — for an unhealthy GPU — the problems, after stopping for good. */
async function inspectOrReport(config: WorkerConfig, deps: WorkerLoopDeps): Promise<WorkerIdentity | string> {
  const result = await inspectMachine(config, deps.logger);
  if (result.healthy) return result.identity;
  const detail = `GPU health check failed: ${result.problems.join("; ")}`;
  deps.logger.error(detail);
  await deps.logger.flush?.(); // before the stop revokes the token the log is posted with
  await deps.api.stop(detail).catch(() => undefined);
  await terminatePodIfAny(config, deps.fetch, deps.logger);
  return detail;
}

async function terminatePodIfAny(
  config: WorkerConfig,
  fetchImpl: typeof fetch,
  logger: Logger,
): Promise<void> {
  if (config.runpod === null) return;
  const result = await terminateOwnPod({ ...config.runpod, fetch: fetchImpl });
  if (result.ok) logger.info("asked RunPod to terminate this pod", { pod_id: config.runpod.podId });
  else
    logger.error("could not terminate this pod", {
      pod_id: config.runpod.podId,
      status: result.status,
      message: result.message,
    });
}

export interface CliIo {
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Where SIGTERM/SIGINT come from; a test passes its own emitter. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
}

/** `ow-worker` and `ow worker`: returns the process exit code. */
export async function runWorkerCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => process.stderr.write(t));
  const args = parseCliArgs(argv);
  if (args.help) {
    out(USAGE);
    return EXIT_OK;
  }
  let config: WorkerConfig;
  try {
    if (args.problems.length > 0) throw new WorkerEnvError(args.problems);
    config = parseWorkerEnv(takeTokenFromFile({ ...(io.env ?? process.env), ...args.env }));
  } catch (error) {
    if (error instanceof WorkerEnvError) {
      err(`${error.message}\n\n${USAGE}`);
      return EXIT_BAD_CONFIG;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    err(`cannot read ${TOKEN_FILE_VAR}: ${String(error)}\n`);
    return EXIT_BAD_CONFIG;
  }
  if (!io.env) scrubCredentialFromEnv();
  // The worker's own records also go to the api's worker log (`ow workers logs <id>`).
  const logger = createShippingLogger(createStreamLogger(config.logLevel), {
    workerApiUrl: config.workerApiUrl,
    token: config.token,
  });
  logger.info("worker starting", {
    version: WORKER_VERSION,
    image: config.image,
    pod_id: config.runpod?.podId,
  });
  const worker = startWorker(config, { ...(io.env ? { workerEnv: io.env } : {}), logger });
  const signals = io.signals ?? process;
  const onSignal = (signal: NodeJS.Signals) => worker.shutdown(`received ${signal}`);
  signals.on("SIGTERM", onSignal);
  signals.on("SIGINT", onSignal);
  const pid = config.supervisorPid;
  const stopWatching =
    pid === null
      ? () => {}
      : watchSupervisor(pid, () =>
          worker.shutdown(`the pod agent that started this worker (pid ${pid}) is gone`),
        );
  try {
    const exit = await worker.done;
    logger.info("worker stopped", { reason: exit.reason });
    if (exit.reason === "unhealthy") return EXIT_UNHEALTHY_GPU;
    return exit.reason === "credentials_rejected" ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    logger.error("worker crashed", {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    throw error;
  } finally {
    signals.off("SIGTERM", onSignal);
    signals.off("SIGINT", onSignal);
    stopWatching();
    await logger.close();
  }
}
