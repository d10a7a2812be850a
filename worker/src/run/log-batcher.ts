import type { LogBatch } from "@contract";
import type { Clock } from "../util/clock.ts";

export type StreamTag = "o" | "e";

export interface LogBatcherOptions {
  /** Sends one batch; must retry transient failures itself and throw only when giving up. */
  send(batch: LogBatch, signal: AbortSignal): Promise<void>;
  clock: Clock;
  flushIntervalMs: number;
  maxBatchLines: number;
  maxBatchBytes: number;
  /** Above this many buffered bytes `push` returns a promise: the caller stops reading output. */
  maxBufferedBytes: number;
  /** Sequence number of the first batch (0 for a fresh run). */
  firstSeq?: number;
}

interface PendingLine {
  stream: StreamTag;
  line: string;
  bytes: number;
}

/**
 * Batches stdout/stderr lines for `POST /runs/:id/logs`.
 * - One batch in flight at a time, so batches arrive in order; a batch keeps its seq and content
 *   across retries, so the server's dedup by seq makes a retry after a lost answer harmless.
 * - Memory is bounded: past `maxBufferedBytes` the producer is told to wait (backpressure pauses
 *   the job's pipe, and the job blocks on write) instead of lines being dropped.
 */
export class LogBatcher {
  readonly #o: LogBatcherOptions;
  readonly #queue: PendingLine[] = [];
  #queueHead = 0;
  #bufferedBytes = 0;
  #nextSeq: number;
  #closing = false;
  #wake: (() => void) | null = null;
  #idle = false;
  #roomWaiters: (() => void)[] = [];
  readonly #abort = new AbortController();
  readonly #pump: Promise<void>;
  #failure: unknown = null;
  /** When the last batch was handed to `send` (clock time). */
  #lastSendAt = Number.NEGATIVE_INFINITY;

  constructor(options: LogBatcherOptions) {
    this.#o = options;
    this.#nextSeq = options.firstSeq ?? 0;
    this.#pump = this.#run();
  }

  /** Batches sent so far (the next batch's seq). */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Queues a line. Returns a promise only when the buffer is full: await it before pushing more. */
  push(stream: StreamTag, line: string): Promise<void> | undefined {
    if (this.#failure !== null || this.#abort.signal.aborted) return undefined;
    const bytes = Buffer.byteLength(line) + 1;
    this.#queue.push({ stream, line, bytes });
    this.#bufferedBytes += bytes;
    // Wake the pump if it waits for a first line, or if a full batch is ready to go now.
    if (this.#idle || this.#queue.length - this.#queueHead >= this.#o.maxBatchLines) this.#wake?.();
    if (this.#bufferedBytes < this.#o.maxBufferedBytes) return undefined;
    this.#wake?.();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Sends everything queued, then stops. Rejects with the send error that made it give up. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    await this.#pump;
    if (this.#failure !== null) throw this.#failure;
  }

  /** Stops at once (lease lost, or the final flush ran out of time); queued lines are dropped. */
  abort(): void {
    this.#abort.abort();
    this.#wake?.();
    this.#releaseWaiters();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      if (this.#queue.length === this.#queueHead) {
        if (this.#closing) return;
        this.#idle = true;
        await this.#sleepUntilWoken(null);
        this.#idle = false;
        continue;
      }
      // At most one request per flushIntervalMs, counted from the previous request's start: lines
      // accumulate meanwhile, unless a full batch is waiting. A line after a quiet spell goes at
      // once. (It used to wait the whole interval after waking and again after each POST, so a
      // line waited up to interval + POST time: 393 ms p95 from print to commit, most of the
      // dashboard's 492 ms print → visible — BENCHMARKS.md.)
      const wait = this.#lastSendAt + this.#o.flushIntervalMs - this.#o.clock.now();
      if (!this.#closing && wait > 0 && this.#queue.length - this.#queueHead < this.#o.maxBatchLines) {
        await this.#sleepUntilWoken(wait);
        if (signal.aborted) return;
      }
      const batch = this.#takeBatch();
      this.#lastSendAt = this.#o.clock.now();
      try {
        await this.#o.send(batch.body, signal);
      } catch (error) {
        if (!signal.aborted) this.#failure = error;
        this.abort();
        return;
      }
      this.#nextSeq++;
      this.#bufferedBytes -= batch.bytes;
      if (this.#bufferedBytes < this.#o.maxBufferedBytes) this.#releaseWaiters();
    }
  }

  #takeBatch(): { body: LogBatch; bytes: number } {
    const lines: string[] = [];
    let streams = "";
    let bytes = 0;
    while (this.#queueHead < this.#queue.length && lines.length < this.#o.maxBatchLines) {
      const next = this.#queue[this.#queueHead] as PendingLine;
      if (lines.length > 0 && bytes + next.bytes > this.#o.maxBatchBytes) break;
      lines.push(next.line);
      streams += next.stream;
      bytes += next.bytes;
      this.#queueHead++;
    }
    // Compact now and then instead of shifting per line (O(n²) on 100k-line bursts).
    if (this.#queueHead > 4096 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
    return { body: { seq: this.#nextSeq, streams, lines }, bytes };
  }

  #sleepUntilWoken(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      this.#wake = () => controller.abort();
      const done =
        ms === null
          ? new Promise<void>((r) => controller.signal.addEventListener("abort", () => r()))
          : this.#o.clock.sleep(ms, controller.signal);
      void done.then(() => {
        this.#wake = null;
        resolve();
      });
    });
  }

  #releaseWaiters(): void {
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const w of waiters) w();
  }
}
