/**
 * One ordered stream of a job's logs across all its attempts: an `attempt` item before each run's
 * lines, every line once, `waiting` items while the job waits for its next attempt, and an `end`
 * item with the finished job.
 *
 * Why it exists: following "the latest run" again after it ended re-read that run from the start
 * in a tight loop while the job waited for a retry (one run printed the same line ~150 times,
 * issue 15). Here each run is read once, by sequence, and waits between attempts are client-side
 * sleeps that grow while nothing changes.
 */
import { type Job, type LogChunk, type LogPage, Run, TERMINAL_JOB_STATUSES } from "@contract";
import { parseTolerant } from "../core/parse.ts";
import { type ClientCore, pathPart } from "./resource.ts";

export type JobLogItem =
  | { type: "attempt"; attempt: number; max_attempts: number; run: Run }
  | { type: "line"; attempt: number; run_id: string; seq: number; stream: "stdout" | "stderr"; text: string }
  | { type: "waiting"; status: Job["status"]; reason: string | null }
  | { type: "end"; job: Job };

export interface JobLogStreamOptions {
  /** Keep going until the job is finished (default); false reads what exists and ends. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Seconds per long-poll while a run is live (default 20). */
  wait?: number;
  /** First pause between polls while the job waits for a run (ms, default 1000); grows ×1.5 up to maxPollInterval. */
  pollInterval?: number;
  maxPollInterval?: number;
}

interface Reader {
  read(
    jobId: string,
    params: { run_id: string; after_seq: number; limit: number; wait: number },
    signal?: AbortSignal,
  ): Promise<LogPage>;
  job(jobId: string, signal?: AbortSignal): Promise<Job>;
}

export async function* jobLogStream(
  core: ClientCore,
  reader: Reader,
  jobId: string,
  options: JobLogStreamOptions = {},
): AsyncGenerator<JobLogItem> {
  const clock = core.http.config.clock;
  const follow = options.follow ?? true;
  const first = options.pollInterval ?? 1000;
  const max = Math.max(first, options.maxPollInterval ?? 5000);
  let readUpTo = 0; // highest attempt whose lines were all read
  let pause = first;
  let lastWaiting: string | undefined;
  let job = await reader.job(jobId, options.signal);
  for (;;) {
    // Read after the job was seen terminal, the runs listing is complete: no run can follow it.
    const finished = isTerminal(job.status);
    if (job.attempts > readUpTo || finished) {
      for (const run of await listRuns(core, jobId, options.signal)) {
        if (run.attempt <= readUpTo) continue;
        yield { type: "attempt", attempt: run.attempt, max_attempts: job.max_attempts, run };
        yield* readRun(reader, jobId, run, follow, options);
        readUpTo = run.attempt;
        pause = first;
      }
    }
    if (finished || !follow) {
      yield { type: "end", job };
      return;
    }
    if (job.status === "pending") {
      const key = job.waiting_reason ?? "";
      if (key !== lastWaiting)
        yield { type: "waiting", status: job.status, reason: job.waiting_reason ?? null };
      lastWaiting = key;
    } else lastWaiting = undefined;
    if (job.attempts <= readUpTo) {
      await clock.sleep(pause, options.signal);
      pause = Math.min(pause * 1.5, max);
    }
    job = await reader.job(jobId, options.signal);
  }
}

async function* readRun(
  reader: Reader,
  jobId: string,
  run: Run,
  follow: boolean,
  options: JobLogStreamOptions,
): AsyncGenerator<JobLogItem> {
  let after = -1;
  for (;;) {
    const page = await reader.read(
      jobId,
      { run_id: run.id, after_seq: after, limit: 1000, wait: follow ? (options.wait ?? 20) : 0 },
      options.signal,
    );
    for (const chunk of page.chunks) yield* chunkLines(run.attempt, chunk);
    after = Math.max(after, page.next_after_seq);
    if (page.chunks.length === 0 && (page.run_finished || !follow)) return;
  }
}

function* chunkLines(attempt: number, chunk: LogChunk): Generator<JobLogItem> {
  for (const [i, text] of chunk.lines.entries()) {
    const stream = chunk.streams[i] === "e" ? "stderr" : "stdout";
    yield { type: "line", attempt, run_id: chunk.run_id, seq: chunk.seq, stream, text };
  }
}

async function listRuns(core: ClientCore, jobId: string, signal?: AbortSignal): Promise<Run[]> {
  const body = await core.http.json<{ data?: unknown[] }>({
    method: "GET",
    path: `/api/jobs/${pathPart(jobId)}/runs`,
    signal,
  });
  return (body.data ?? []).map((r) => parseTolerant(Run, r)).sort((a, b) => a.attempt - b.attempt);
}

function isTerminal(status: string): boolean {
  return (TERMINAL_JOB_STATUSES as readonly string[]).includes(status);
}
