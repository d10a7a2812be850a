/** Jobs: submit (idempotent by content id), look up, list, cancel, restart, and wait. */
import {
  Job,
  type JobListQuery,
  type JobSubmission,
  SubmitResult as SubmitResultSchema,
  TERMINAL_JOB_STATUSES,
} from "@contract";
import { WaitTimeoutError } from "../core/errors.ts";
import type { ListParams } from "../core/list-params.ts";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { type DownloadProgress, downloadJob, type JobDownload } from "./job-download.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { DownloadProgress, Job, JobDownload, JobSubmission };

/** The job plus whether this submission created it or reset a failed/canceled one. */
export type SubmitResult = Job & { created?: boolean; reset?: boolean };

export type JobListParams = Omit<ListParams<typeof JobListQuery>, "params"> & {
  /** Matches jobs whose params contain this object (sent as the query's JSON `params`). */
  params?: Record<string, unknown>;
};

export interface WaitProgress {
  job: Job;
  elapsedMs: number;
  /** True when the status differs from the previous poll. */
  statusChanged: boolean;
}

export interface WaitOptions {
  onProgress?: (progress: WaitProgress) => void;
  /** First poll interval (ms, default 2000); it grows ×1.5 while nothing changes, up to maxPollInterval. */
  pollInterval?: number;
  maxPollInterval?: number;
  /** Give up after this many ms (default: never). */
  timeout?: number;
  signal?: AbortSignal;
}

/** "pending (waiting: the organization is at its maximum number of workers)". */
export function describeWait(job: Job): string {
  return job.status === "pending" && job.waiting_reason
    ? `${job.status} (${job.waiting_reason})`
    : job.status;
}

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_JOB_STATUSES as readonly string[]).includes(status);
}

export class Jobs extends APIResource {
  async create(submission: JobSubmission, options: CallOptions = {}): Promise<SubmitResult> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "POST",
      path: "/api/jobs",
      body: submission,
    });
    return parseTolerant(SubmitResultSchema, body);
  }

  async retrieve(jobId: string, options: CallOptions = {}): Promise<Job> {
    return this.jobCall("GET", `/api/jobs/${pathPart(jobId)}`, options);
  }

  list(params: JobListParams = {}, options: CallOptions = {}): PagePromise<Job> {
    const { params: paramsFilter, ...rest } = params;
    const query = { ...rest, params: paramsFilter ? JSON.stringify(paramsFilter) : undefined };
    return this.listOf("/api/jobs", Job, query, options);
  }

  /** Jobs whose params contain `paramsSubset` (jsonb containment), newest first. */
  find(paramsSubset: Record<string, unknown>, params: Omit<JobListParams, "params"> = {}): PagePromise<Job> {
    return this.list({ ...params, params: paramsSubset });
  }

  cancel(jobId: string, options: CallOptions = {}): Promise<Job> {
    return this.jobCall("POST", `/api/jobs/${pathPart(jobId)}/cancel`, options);
  }

  restart(jobId: string, options: CallOptions = {}): Promise<Job> {
    return this.jobCall("POST", `/api/jobs/${pathPart(jobId)}/restart`, options);
  }

  /**
   * Polls until the job is completed, failed or canceled and returns it (a failed job is a
   * result, not an exception). Polling slows down while nothing changes to stay polite.
   */
  async wait(jobId: string, options: WaitOptions = {}): Promise<Job> {
    const clock = this.core.http.config.clock;
    const started = clock.now();
    const first = options.pollInterval ?? 2000;
    const max = Math.max(first, options.maxPollInterval ?? 15_000);
    let interval = first;
    let lastStatus: string | undefined;
    for (;;) {
      const job = await this.retrieve(jobId, { signal: options.signal });
      const statusChanged = job.status !== lastStatus;
      lastStatus = job.status;
      options.onProgress?.({ job, elapsedMs: clock.now() - started, statusChanged });
      if (isTerminalStatus(job.status)) return job;
      interval = statusChanged ? first : Math.min(interval * 1.5, max);
      // The last pause is cut to what is left, so giving up happens at the timeout, not an interval early.
      const left = options.timeout === undefined ? interval : options.timeout - (clock.now() - started);
      if (left <= 0)
        throw new WaitTimeoutError(`job ${jobId} is still ${describeWait(job)} after ${options.timeout} ms`);
      await clock.sleep(Math.min(interval, left), options.signal);
    }
  }

  /**
   * Saves everything the job left into `dir`: job.json, logs/attempt-<n>.log, events.jsonl and
   * results/<path> for every result file (Node).
   */
  download(
    jobId: string,
    dir: string,
    options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<JobDownload> {
    return downloadJob(this.core, jobId, dir, options);
  }

  private async jobCall(method: "GET" | "POST", path: string, options: CallOptions): Promise<Job> {
    return parseTolerant(Job, await this.core.http.json<unknown>({ ...options, method, path }));
  }
}
