import type { HeartbeatResponse, RegisterWorkerResponse } from "@contract";
import type { WorkerApi } from "../api/worker-api.ts";
import { isRetryableApiError, WorkerApiError } from "../api/worker-api-error.ts";
import type { WorkerConfig } from "../config/worker-config.ts";
import type { Executor } from "../executors/executor.ts";
import { type RunReport, RunSession } from "../run/run-session.ts";
import { withRetry } from "../util/backoff.ts";
import type { Clock } from "../util/clock.ts";
import type { Logger } from "../util/logger.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { registerRequest, type WorkerIdentity } from "./worker-identity.ts";

export interface WorkerLoopDeps {
  api: WorkerApi;
  executor: Executor;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** The worker's own env, from which jobs get only allowlisted names. */
  workerEnv: Record<string, string | undefined>;
}

export type WorkerExitReason = "shutdown" | "retired" | "ttl" | "credentials_rejected";

export interface WorkerExit {
  reason: WorkerExitReason;
  detail: string;
  workerId: string | null;
  runs: RunReport[];
}

/** Failures that say something about this worker; cancels, preemptions and lost leases do not. */
const COUNTS_AS_WORKER_FAILURE = new Set(["user_error", "oom", "system_error", "timeout"]);

/**
 * register → (claim → run → report)* → stop. Shutdown is designed (STYLE 16): it stops claiming,
 * gives a running job `shutdownGraceMs` to finish, then preempts it so the server requeues it
 * without charging an attempt, and finally tells the server the worker is gone.
 */
export class WorkerLoop {
  readonly #c: WorkerConfig;
  readonly #id: WorkerIdentity;
  readonly #d: WorkerLoopDeps;
  readonly #claimAbort = new AbortController();
  readonly #loopDone = new AbortController();
  #exit: { reason: WorkerExitReason; detail: string } | null = null;
  #current: RunSession | null = null;
  #cachedModels: string[];
  #modelsChanged = false;
  readonly #runs: RunReport[] = [];
  #startedAt = 0;

  constructor(config: WorkerConfig, identity: WorkerIdentity, deps: WorkerLoopDeps) {
    this.#c = config;
    this.#id = identity;
    this.#d = deps;
    this.#cachedModels = [...identity.cachedModels];
  }

  /** Asks the worker to exit; a second call preempts a running job at once. */
  shutdown(detail: string, reason: WorkerExitReason = "shutdown"): void {
    if (this.#exit !== null) {
      this.#current?.stop("preempted");
      return;
    }
    this.#exit = { reason, detail };
    this.#d.logger.info("shutting down", { reason, detail, running: this.#current?.runId });
    this.#claimAbort.abort();
    const running = this.#current;
    if (running === null) return;
    const grace = reason === "credentials_rejected" ? 0 : this.#c.intervals.shutdownGraceMs;
    void this.#d.clock.sleep(grace, this.#loopDone.signal).then(() => {
      if (this.#current === running) running.stop("preempted");
    });
  }

  async run(): Promise<WorkerExit> {
    this.#startedAt = this.#d.clock.now();
    const registration = await this.#register();
    if (registration === null) return this.#finish(null);
    const heartbeat = startHeartbeat({
      api: this.#d.api,
      clock: this.#d.clock,
      logger: this.#d.logger,
      intervalMs: effectiveHeartbeatMs(this.#c, registration),
      runIds: () => (this.#current ? [this.#current.runId] : []),
      cachedModels: () => this.#takeChangedModels(),
      onResponse: (response) => this.#onHeartbeat(response),
      onCredentialsRejected: (error) => this.shutdown(error.message, "credentials_rejected"),
    });
    try {
      await this.#claimLoop(Math.min(this.#c.intervals.claimWaitMs, registration.timings.claim_wait_ms));
    } finally {
      await heartbeat.stop();
    }
    return this.#finish(registration.worker_id);
  }

  async #register(): Promise<RegisterWorkerResponse | null> {
    const { api, clock, logger } = this.#d;
    try {
      const response = await withRetry(
        () => api.register(registerRequest(this.#id), this.#claimAbort.signal),
        {
          clock,
          initialMs: 500,
          maxMs: this.#c.intervals.retryMaxDelayMs,
          maxAttempts: Number.POSITIVE_INFINITY,
          isRetryable: isRetryableApiError,
          signal: this.#claimAbort.signal,
          onRetry: (error, attempt) => logger.warn("register failed; retrying", { attempt, error }),
        },
      );
      logger.info("registered", {
        worker_id: response.worker_id,
        hardware: this.#id.hardware.hardwareType ?? "cpu",
        image: this.#id.image,
      });
      if (this.#c.workerIdHint !== null && this.#c.workerIdHint !== response.worker_id) {
        logger.warn("server knows this worker under another id", {
          expected: this.#c.workerIdHint,
          worker_id: response.worker_id,
        });
      }
      for (const runId of response.requeued_run_ids) {
        logger.warn("a run this worker held before a restart was requeued", { run_id: runId });
      }
      return response;
    } catch (error) {
      if (this.#exit === null) {
        const credentials = error instanceof WorkerApiError && error.credentialsRejected;
        this.shutdown(`register failed: ${String(error)}`, credentials ? "credentials_rejected" : "shutdown");
      }
      return null;
    }
  }

  async #claimLoop(claimWaitMs: number): Promise<void> {
    const { api, clock, logger } = this.#d;
    let consecutiveFailures = 0;
    while (this.#exit === null) {
      const ttl = this.#c.intervals.ttlMs;
      if (ttl !== null && clock.now() - this.#startedAt >= ttl)
        return this.shutdown("time to live reached", "ttl");
      let claim: Awaited<ReturnType<WorkerApi["claim"]>>;
      try {
        claim = await api.claim(claimWaitMs, this.#claimAbort.signal);
      } catch (error) {
        if (this.#exit !== null) return;
        if (error instanceof WorkerApiError && error.credentialsRejected)
          return this.shutdown(error.message, "credentials_rejected");
        logger.warn("claim failed", { error });
        await clock.sleep(this.#c.intervals.claimErrorBackoffMs, this.#claimAbort.signal);
        continue;
      }
      if (claim === null) continue;
      const report = await this.#runOne(claim);
      consecutiveFailures = this.#countFailure(report, consecutiveFailures);
      if (consecutiveFailures >= this.#c.maxConsecutiveFailures) {
        return this.shutdown(`${consecutiveFailures} jobs failed in a row`, "retired");
      }
    }
  }

  async #runOne(claim: NonNullable<Awaited<ReturnType<WorkerApi["claim"]>>>): Promise<RunReport> {
    const session = new RunSession(claim, {
      ...this.#d,
      config: this.#c,
      gpuCount: this.#id.hardware.gpuCount,
    });
    this.#current = session;
    // A claim that arrived after shutdown began is handed straight back.
    if (this.#exit !== null) session.stop("preempted");
    try {
      const report = await session.result;
      this.#runs.push(report);
      if (report.verdict.kind === "complete" && claim.job.model) this.#rememberModel(claim.job.model);
      return report;
    } finally {
      this.#current = null;
    }
  }

  #countFailure(report: RunReport, previous: number): number {
    if (report.verdict.kind === "complete") return 0;
    if (report.leaseLost || !COUNTS_AS_WORKER_FAILURE.has(report.verdict.failureKind)) return previous;
    return previous + 1;
  }

  #rememberModel(model: string): void {
    if (this.#cachedModels.includes(model) || this.#cachedModels.length >= 200) return;
    this.#cachedModels.push(model);
    this.#modelsChanged = true;
  }

  #takeChangedModels(): string[] | undefined {
    if (!this.#modelsChanged) return undefined;
    this.#modelsChanged = false;
    return [...this.#cachedModels];
  }

  #onHeartbeat(response: HeartbeatResponse): void {
    const current = this.#current;
    for (const directive of response.runs) {
      if (current === null || directive.run_id !== current.runId) continue;
      if (directive.action === "cancel") current.stop("cancel");
      else if (directive.action === "stop") current.stop("stop");
    }
    if (response.shutdown) this.shutdown("the server asked this worker to shut down");
  }

  async #finish(workerId: string | null): Promise<WorkerExit> {
    this.#loopDone.abort();
    const exit = this.#exit ?? { reason: "shutdown" as const, detail: "loop ended" };
    if (exit.reason !== "credentials_rejected") {
      // Stopping revokes the token the worker log is posted with: ship what is queued first (a
      // run shorter than the shipper's interval otherwise left no worker lines at all).
      await this.#d.logger.flush?.();
      await this.#d.api.stop(`${exit.reason}: ${exit.detail}`).catch((error: unknown) => {
        this.#d.logger.warn("could not tell the server this worker stopped", { error });
      });
    }
    this.#d.logger.info("worker stopped", {
      reason: exit.reason,
      detail: exit.detail,
      runs: this.#runs.length,
    });
    return { ...exit, workerId, runs: this.#runs };
  }
}

/** Beat at least three times per lease, and never slower than the server asks. */
export function effectiveHeartbeatMs(config: WorkerConfig, registration: RegisterWorkerResponse): number {
  const { heartbeat_interval_ms: server, lease_ms: lease } = registration.timings;
  return Math.max(1, Math.min(config.intervals.heartbeatMs, server, Math.floor(lease / 3)));
}
