/** Jobs: submit (idempotent by content id), look up, list, cancel, restart, and wait. */
import {
  Job,
  type JobSubmission,
  SubmitResult as SubmitResultSchema,
  TERMINAL_JOB_STATUSES,
} from "@contract";
import { WaitTimeoutError } from "../core/errors.ts";
import { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Job, JobSubmission };

/** The job plus whether this submission created it or reset a failed/canceled one. */
export type SubmitResult = Job & { created?: boolean; reset?: boolean };

export interface JobListParams {
  status?: string;
  type?: string;
  /** Matches jobs whose params contain this object. */
  params?: Record<string, unknown>;
  created_after?: string;
  created_before?: string;
  limit?: number;
}

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
    return new PagePromise(async (cursor) => {
      const page = await this.core.http.json<{ object: "list"; data: unknown[]; next_cursor: string | null }>(
        {
          ...options,
          method: "GET",
          path: "/api/jobs",
          query: { ...query, cursor },
        },
      );
      return { ...page, data: (page.data ?? []).map((j) => parseTolerant(Job, j)) };
    });
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
      if (options.timeout !== undefined && clock.now() - started + interval > options.timeout) {
        throw new WaitTimeoutError(`job ${jobId} is still ${job.status} after ${options.timeout} ms`);
      }
      await clock.sleep(interval, options.signal);
    }
  }

  private async jobCall(method: "GET" | "POST", path: string, options: CallOptions): Promise<Job> {
    return parseTolerant(Job, await this.core.http.json<unknown>({ ...options, method, path }));
  }
}
