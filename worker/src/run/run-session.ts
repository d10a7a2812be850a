import { mkdir, rm } from "node:fs/promises";
import { posix } from "node:path";
import type { ClaimedJob, RunOutcome } from "@contract";
import { publicPortUrl } from "../../../supabase/functions/_shared/providers/public-url.ts";
import type { WorkerApi } from "../api/worker-api.ts";
import { isLeaseLost, isRetryableApiError } from "../api/worker-api-error.ts";
import type { WorkerConfig } from "../config/worker-config.ts";
import { type Executor, LaunchError, type RunningJob } from "../executors/executor.ts";
import { withRetry } from "../util/backoff.ts";
import type { Clock } from "../util/clock.ts";
import type { Logger } from "../util/logger.ts";
import { EventsTailer } from "./events-tailer.ts";
import { classifyRun, type JobExit, type RunVerdict, type StopReason } from "./failure-classifier.ts";
import { buildJobEnv } from "./job-env.ts";
import { jobStateDir } from "./job-state.ts";
import { LogBatcher } from "./log-batcher.ts";
import { awaitPumps, pumpOutput, RecentLines } from "./output-pump.ts";
import { reportVerdict, uploadResults } from "./run-report.ts";
import { freeLoopbackPort } from "./serving-port.ts";
import { createRunWorkdir, downloadMount, PLATFORM_DIR, type RunWorkdir, writeParams } from "./workdir.ts";

export interface RunDeps {
  api: WorkerApi;
  executor: Executor;
  clock: Clock;
  logger: Logger;
  /** For mounted-file downloads. */
  fetch: typeof fetch;
  config: Pick<
    WorkerConfig,
    | "apiUrl"
    | "token"
    | "workRoot"
    | "keepWorkdirs"
    | "intervals"
    | "logs"
    | "jobEnvAllow"
    | "publicEndpoint"
    | "servingPort"
  >;
  /** The worker's own environment: only allowlisted names reach the job. */
  workerEnv: Record<string, string | undefined>;
  gpuCount: number;
}

export interface RunReport {
  runId: string;
  jobId: string;
  verdict: RunVerdict;
  /** The server's answer to complete/fail; null when it could not be told (lease lost, API down). */
  outcome: RunOutcome | null;
  leaseLost: boolean;
}

/** One claimed run, from working directory to complete/fail. `stop` may be called at any time. */
export class RunSession {
  readonly claim: ClaimedJob;
  readonly #d: RunDeps;
  readonly #abort = new AbortController();
  #stopReason: StopReason | null = null;
  #job: RunningJob | null = null;
  readonly result: Promise<RunReport>;

  constructor(claim: ClaimedJob, deps: RunDeps) {
    this.claim = claim;
    this.#d = deps;
    this.result = this.#execute();
  }

  get runId(): string {
    return this.claim.run_id;
  }

  get stopReason(): StopReason | null {
    return this.#stopReason;
  }

  /** Ends the job for `reason`; the first reason given is the one reported. */
  stop(reason: StopReason): void {
    if (this.#stopReason === "lease_lost") return;
    if (this.#stopReason !== null && reason !== "lease_lost") return;
    this.#stopReason = reason;
    this.#d.logger.info("stopping run", { run_id: this.runId, reason });
    if (reason === "lease_lost") this.#abort.abort();
    const grace = reason === "lease_lost" ? 0 : this.#d.config.intervals.cancelGraceMs;
    void this.#job?.kill(grace);
  }

  async #execute(): Promise<RunReport> {
    const { logger, config } = this.#d;
    const log = { run_id: this.runId, job_id: this.claim.job.id, attempt: this.claim.attempt };
    logger.info("run started", log);
    let workdir: RunWorkdir | null = null;
    let verdict: RunVerdict;
    try {
      workdir = await createRunWorkdir(config.workRoot, this.runId);
      verdict = await this.#prepareAndRun(workdir);
      if (this.#stopReason !== "lease_lost")
        verdict = await uploadResults(this.#ctx(), workdir.uploadsDir, verdict);
    } catch (error) {
      logger.error("run failed inside the worker", { ...log, error });
      verdict = {
        kind: "fail",
        failureKind: "system_error",
        message: `worker error: ${String(error)}`,
        exitCode: null,
      };
    }
    const outcome = this.#stopReason === "lease_lost" ? null : await reportVerdict(this.#ctx(), verdict);
    if (workdir !== null && !config.keepWorkdirs) await rm(workdir.root, { recursive: true, force: true });
    // The job's state outlives a run only while another attempt may come (on this machine).
    if (outcome !== null && !outcome.will_retry)
      await rm(jobStateDir(config.workRoot, this.claim.job.id), { recursive: true, force: true });
    const leaseLost = this.#stopReason === "lease_lost";
    logger.info("run finished", {
      ...log,
      verdict: verdict.kind === "complete" ? "complete" : verdict.failureKind,
      lease_lost: leaseLost,
      job_status: outcome?.job_status,
    });
    return { runId: this.runId, jobId: this.claim.job.id, verdict, outcome, leaseLost };
  }

  #ctx() {
    return {
      api: this.#d.api,
      clock: this.#d.clock,
      logger: this.#d.logger,
      runId: this.runId,
      retryMaxDelayMs: this.#d.config.intervals.retryMaxDelayMs,
      signal: this.#abort.signal,
      onLeaseLost: () => this.stop("lease_lost"),
    };
  }

  async #prepareAndRun(workdir: RunWorkdir): Promise<RunVerdict> {
    try {
      await this.#downloadMounts(workdir.root);
      await writeParams(workdir.root, this.claim.job.params);
    } catch (error) {
      if (this.#stopReason !== null) return classifyRun(null, this.#stopReason, []);
      const message = `could not prepare the job's files: ${String(error)}`;
      return { kind: "fail", failureKind: "system_error", message, exitCode: null };
    }
    if (this.#stopReason !== null) return classifyRun(null, this.#stopReason, []);
    return this.#runJob(workdir);
  }

  async #downloadMounts(root: string): Promise<void> {
    for (const mount of this.claim.mounts) {
      await withRetry(
        () =>
          downloadMount(root, mount, {
            fetch: this.#d.fetch,
            apiUrl: this.#d.config.apiUrl,
            authorization: `Bearer ${this.#d.config.token}`,
            signal: this.#abort.signal,
          }),
        {
          clock: this.#d.clock,
          initialMs: 500,
          maxMs: this.#d.config.intervals.retryMaxDelayMs,
          maxAttempts: 4,
          isRetryable: () => !this.#abort.signal.aborted,
          signal: this.#abort.signal,
        },
      );
    }
  }

  async #runJob(workdir: RunWorkdir): Promise<RunVerdict> {
    const { executor, config } = this.#d;
    const jobRoot = executor.jobRoot(workdir.root);
    const join = posix.join;
    const servingPort = config.servingPort ?? (await freeLoopbackPort());
    // Only the process executor shares this machine's paths with the job; in a container the job
    // resumes from what it pushed elsewhere (the Hub) instead.
    const stateDir = jobRoot === workdir.root ? jobStateDir(config.workRoot, this.claim.job.id) : null;
    if (stateDir !== null) await mkdir(stateDir, { recursive: true });
    const env = buildJobEnv({
      workerEnv: this.#d.workerEnv,
      extraAllow: config.jobEnvAllow,
      runId: this.runId,
      jobId: this.claim.job.id,
      attempt: this.claim.attempt,
      eventsPath: join(jobRoot, PLATFORM_DIR, "events.jsonl"),
      uploadsDir: join(jobRoot, "uploads"),
      gpuCount: this.#d.gpuCount,
      apiUrl: config.apiUrl,
      runToken: this.claim.run_token,
      secrets: this.claim.secrets,
      serving: { port: servingPort, publicUrl: publicPortUrl(config.publicEndpoint, servingPort) },
      stateDir,
    });
    const batcher = this.#makeBatcher();
    const tailer = this.#makeTailer(workdir.eventsFile);
    tailer.start();
    const recent = new RecentLines();
    let exit: JobExit | null = null;
    try {
      const launch = {
        runId: this.runId,
        image: this.claim.job.image,
        argv: this.claim.job.entrypoint,
        workdir: workdir.root,
        stateDir,
        env,
        gpuCount: this.#d.gpuCount,
      };
      this.#job = await executor.start(launch);
      if (this.#stopReason !== null)
        void this.#job.kill(this.#stopReason === "lease_lost" ? 0 : config.intervals.cancelGraceMs);
      exit = await this.#supervise(this.#job, batcher, recent);
    } catch (error) {
      if (!(error instanceof LaunchError)) throw error;
      batcher.push("e", `[openweights] ${error.message}`);
      await this.#finishForwarding(batcher, tailer);
      return { kind: "fail", failureKind: "user_error", message: error.message, exitCode: null };
    }
    await this.#finishForwarding(batcher, tailer);
    return classifyRun(exit, this.#stopReason, recent.lines);
  }

  async #supervise(job: RunningJob, batcher: LogBatcher, recent: RecentLines): Promise<JobExit> {
    const { clock, config } = this.#d;
    const maxChars = config.logs.maxLineChars;
    const pumps = [
      pumpOutput(job.stdout, "o", batcher, recent, maxChars),
      pumpOutput(job.stderr, "e", batcher, recent, maxChars),
    ];
    const timeoutTimer = new AbortController();
    void clock.sleep(this.claim.job.timeout_seconds * 1000, timeoutTimer.signal).then(() => {
      if (!timeoutTimer.signal.aborted) this.stop("timeout");
    });
    try {
      const exit = await job.exited;
      await awaitPumps(pumps, [job.stdout, job.stderr], (ms) => clock.sleep(ms), 5_000);
      return exit;
    } finally {
      timeoutTimer.abort();
    }
  }

  async #finishForwarding(batcher: LogBatcher, tailer: EventsTailer): Promise<void> {
    const deadline = new AbortController();
    const closing = Promise.allSettled([batcher.close(), tailer.close()]);
    const inTime = await Promise.race([
      closing.then(() => true),
      this.#d.clock.sleep(this.#d.config.intervals.finalFlushMs, deadline.signal).then(() => false),
    ]);
    deadline.abort();
    if (!inTime) {
      this.#d.logger.warn("gave up forwarding logs/events after the job ended", { run_id: this.runId });
      batcher.abort();
      tailer.abort();
    }
    // After an abort, close() promises may never settle; never let them hold the run's report.
    const settled = inTime
      ? await closing
      : await Promise.race([
          closing,
          this.#d.clock.sleep(2_000).then(() => [] as PromiseSettledResult<unknown>[]),
        ]);
    for (const r of settled) {
      if (r.status === "rejected" && !isLeaseLost(r.reason)) {
        this.#d.logger.warn("log/event forwarding failed", { run_id: this.runId, error: r.reason });
      }
    }
  }

  #retrying<T>(fn: (signal: AbortSignal) => Promise<T>): (signal: AbortSignal) => Promise<T> {
    return async (signal) => {
      try {
        return await withRetry(() => fn(signal), {
          clock: this.#d.clock,
          initialMs: 200,
          maxMs: this.#d.config.intervals.retryMaxDelayMs,
          maxAttempts: Number.POSITIVE_INFINITY,
          isRetryable: isRetryableApiError,
          signal,
          onRetry: (error, attempt) =>
            this.#d.logger.debug("retrying", { run_id: this.runId, attempt, error }),
        });
      } catch (error) {
        if (isLeaseLost(error)) this.stop("lease_lost");
        throw error;
      }
    };
  }

  #makeBatcher(): LogBatcher {
    const { api, clock, config } = this.#d;
    return new LogBatcher({
      clock,
      flushIntervalMs: config.intervals.logFlushMs,
      ...config.logs,
      send: (batch, signal) =>
        this.#retrying(async (s) => void (await api.postLogs(this.runId, batch, s)))(
          AbortSignal.any([signal, this.#abort.signal]),
        ),
    });
  }

  #makeTailer(path: string): EventsTailer {
    const { api, clock, config } = this.#d;
    return new EventsTailer({
      path,
      clock,
      pollIntervalMs: config.intervals.eventsPollMs,
      send: (events, signal) =>
        this.#retrying(async (s) => void (await api.postEvents(this.runId, events, s)))(
          AbortSignal.any([signal, this.#abort.signal]),
        ),
    });
  }
}
