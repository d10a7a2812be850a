/** Logs: read a page of a run's lines, or follow them live with the server's long-poll. */
import { Job, LogPage } from "@contract";
import { parseTolerant } from "../core/parse.ts";
import { type JobLogItem, type JobLogStreamOptions, jobLogStream } from "./job-log-stream.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { JobLogItem, JobLogStreamOptions, LogPage };

export interface LogReadParams {
  run_id?: string;
  after_seq?: number;
  limit?: number;
  /** Long-poll: seconds the server may wait for new lines (0–25). */
  wait?: number;
}

export interface LogLine {
  runId: string;
  seq: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface FollowOptions {
  run_id?: string;
  signal?: AbortSignal;
  /** Seconds per long-poll (default 20, below the gateway's idle timeout). */
  wait?: number;
  /** Minimum ms between two polls that returned nothing (servers that cannot long-poll). */
  minEmptyPollInterval?: number;
}

export class Logs extends APIResource {
  async read(jobId: string, params: LogReadParams = {}, options: CallOptions = {}): Promise<LogPage> {
    const waitMs = (params.wait ?? 0) * 1000;
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "GET",
      path: `/api/jobs/${pathPart(jobId)}/logs`,
      query: { ...params },
      timeout: options.timeout ?? Math.max(this.core.http.config.timeout, waitMs + 30_000),
    });
    return parseTolerant(LogPage, body);
  }

  /**
   * The job's whole log: every attempt in order (an `attempt` item before its lines), `waiting`
   * items while it waits for a worker, an `end` item with the finished job. Each line once.
   */
  stream(jobId: string, options: JobLogStreamOptions = {}): AsyncGenerator<JobLogItem> {
    return jobLogStream(
      this.core,
      {
        read: (id, params, signal) => this.read(id, params, { signal }),
        job: async (id, signal) =>
          parseTolerant(
            Job,
            await this.core.http.json<unknown>({ method: "GET", path: `/api/jobs/${pathPart(id)}`, signal }),
          ),
      },
      jobId,
      options,
    );
  }

  /**
   * One run's lines: yields them as they arrive and ends when the run has finished and everything was read.
   * Follows one run: the one given, else the latest when the first page arrives.
   */
  async *follow(jobId: string, options: FollowOptions = {}): AsyncGenerator<LogLine> {
    const clock = this.core.http.config.clock;
    let runId = options.run_id;
    let afterSeq = -1;
    for (;;) {
      const asked = clock.now();
      const page = await this.read(
        jobId,
        { run_id: runId, after_seq: afterSeq, wait: options.wait ?? 20 },
        { signal: options.signal },
      );
      runId ??= page.run_id ?? undefined;
      for (const chunk of page.chunks) yield* chunkLines(chunk);
      afterSeq = Math.max(afterSeq, page.next_after_seq);
      if (page.run_finished && page.chunks.length === 0 && page.run_id !== null) return;
      if (page.chunks.length === 0) {
        const pause = (options.minEmptyPollInterval ?? 1000) - (clock.now() - asked);
        if (pause > 0) await clock.sleep(pause, options.signal);
      }
    }
  }
}

function* chunkLines(chunk: LogPage["chunks"][number]): Generator<LogLine> {
  for (const [i, text] of chunk.lines.entries()) {
    yield {
      runId: chunk.run_id,
      seq: chunk.seq,
      stream: chunk.streams[i] === "e" ? "stderr" : "stdout",
      text,
    };
  }
}
