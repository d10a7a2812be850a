// What the worker-loop scenarios need from a worker API. `fakeLoopHarness` implements it with the
// in-memory double; an implementation against the real API (submit through `/api/jobs`, read
// logs/events/runs back through `/api`, break a lease in SQL) runs the very same scenarios.

export interface TestJob {
  entrypoint: string[];
  params?: Record<string, unknown>;
  /** Files the job finds in its working directory. */
  mounts?: { path: string; content: string }[];
  /** Secrets the job declares (the harness creates them in the organization). */
  secrets?: Record<string, string>;
  timeout_seconds?: number;
  max_attempts?: number;
}

export interface RunView {
  id: string;
  attempt: number;
  status: string;
  failure_kind: string | null;
  exit_code: number | null;
}

export interface JobView {
  status: string;
  runs: RunView[];
}

export interface LoopHarness {
  /** Functions base URL (`…/functions/v1`). */
  apiUrl: string;
  /** The image workers register with and jobs are submitted for. */
  image: string;
  /** A fresh worker-role token (one per worker). */
  newWorkerToken(): Promise<string>;
  submitJob(job: TestJob): Promise<string>;
  job(jobId: string): Promise<JobView>;
  cancelJob(jobId: string): Promise<void>;
  /** Make the run's lease lost, as the reaper would after it expired. */
  breakLease(runId: string): Promise<void>;
  logLines(runId: string): Promise<{ stream: "o" | "e"; line: string }[]>;
  /** Events of the run in order: what the job wrote (by seq), then the server's `file` events. */
  events(runId: string): Promise<Record<string, unknown>[]>;
  results(runId: string): Promise<{ path: string; content: string }[]>;
  /** Did the server get /stop from the worker holding this token? */
  workerStopped(token: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Polls `read` until `done` holds (or throws after `timeoutMs`). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
