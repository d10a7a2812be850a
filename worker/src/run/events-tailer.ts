import { open } from "node:fs/promises";
import type { EventRecord } from "../api/worker-api.ts";
import type { Clock } from "../util/clock.ts";

export interface EventsTailerOptions {
  path: string;
  /** Sends one batch; must retry transient failures itself and throw only when giving up. */
  send(events: EventRecord[], signal: AbortSignal): Promise<void>;
  clock: Clock;
  pollIntervalMs: number;
  /** The API takes ≤ 500 events per call. */
  maxBatch?: number;
  /** A line longer than this is forwarded as an `invalid_event` with its start. */
  maxLineBytes?: number;
}

const RAW_KEEP_CHARS = 4_096;

/** A JSONL line → the event's data. Anything that is not a JSON object is kept, marked invalid. */
export function parseEventLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through: a line the job meant as an event but got wrong is still worth seeing
  }
  return { type: "invalid_event", raw: line.slice(0, RAW_KEEP_CHARS) };
}

/**
 * Follows the job's OPENWEIGHTS_EVENTS file and forwards each complete line as an event whose seq
 * is the line's index, so a resend after a lost answer is deduplicated by the server. A partial
 * last line waits for its newline (the job may be mid-write) until `close`, when the job has
 * exited and whatever is there is final. Blank lines use up their index but send nothing.
 */
export class EventsTailer {
  readonly #o: Required<EventsTailerOptions>;
  readonly #abort = new AbortController();
  #offset = 0;
  #lineIndex = 0;
  #partial: Buffer = Buffer.alloc(0);
  #skippingLongLine = false;
  #closing = false;
  #wake: (() => void) | null = null;
  #pump: Promise<void> | null = null;
  #failure: unknown = null;
  #sent = 0;

  constructor(options: EventsTailerOptions) {
    this.#o = { maxBatch: 500, maxLineBytes: 1024 * 1024, ...options };
  }

  get eventsSent(): number {
    return this.#sent;
  }

  start(): void {
    this.#pump ??= this.#run();
  }

  /** Reads to the end of the file (a final partial line included), sends, and stops. */
  async close(): Promise<void> {
    this.start();
    this.#closing = true;
    this.#wake?.();
    await this.#pump;
    if (this.#failure !== null) throw this.#failure;
  }

  abort(): void {
    this.#abort.abort();
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      while (!signal.aborted) {
        const closing = this.#closing;
        const events = await this.#readNewEvents(closing);
        for (let i = 0; i < events.length && !signal.aborted; i += this.#o.maxBatch) {
          const batch = events.slice(i, i + this.#o.maxBatch);
          await this.#o.send(batch, signal);
          this.#sent += batch.length;
        }
        if (closing) return;
        const wake = new AbortController();
        this.#wake = () => wake.abort();
        await this.#o.clock.sleep(this.#o.pollIntervalMs, wake.signal);
        this.#wake = null;
      }
    } catch (error) {
      if (!signal.aborted) this.#failure = error;
    }
  }

  /** New complete lines since the last read (at most a few MiB at a time, to bound memory). */
  async #readNewEvents(final: boolean): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    const handle = await open(this.#o.path, "r").catch(() => null);
    if (handle === null) return events; // the job has not written any event yet
    try {
      const chunk = Buffer.alloc(256 * 1024);
      for (let round = 0; round < 16 || final; round++) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        this.#consume(chunk.subarray(0, bytesRead), events);
      }
    } finally {
      await handle.close();
    }
    if (final && (this.#partial.length > 0 || this.#skippingLongLine))
      this.#finishLine(this.#partial, events);
    return events;
  }

  #consume(bytes: Buffer, into: EventRecord[]): void {
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
      const piece = bytes.subarray(start, nl);
      const line = this.#skippingLongLine
        ? this.#partial
        : this.#partial.length > 0
          ? Buffer.concat([this.#partial, piece])
          : piece;
      this.#finishLine(line, into);
      start = nl + 1;
    }
    if (start < bytes.length) this.#appendPartial(bytes.subarray(start));
  }

  #appendPartial(bytes: Buffer): void {
    if (this.#skippingLongLine) return;
    this.#partial = Buffer.concat([this.#partial, bytes]);
    if (this.#partial.length > this.#o.maxLineBytes) {
      // keep only the start, for the invalid_event's `raw`; drop the rest until the newline
      this.#partial = this.#partial.subarray(0, RAW_KEEP_CHARS);
      this.#skippingLongLine = true;
    }
  }

  #finishLine(bytes: Buffer, into: EventRecord[]): void {
    const seq = this.#lineIndex++;
    const text = bytes.toString("utf8").replace(/\r$/, "");
    const tooLong = this.#skippingLongLine || bytes.length > this.#o.maxLineBytes;
    this.#partial = Buffer.alloc(0);
    this.#skippingLongLine = false;
    if (tooLong) {
      into.push({
        seq,
        data: { type: "invalid_event", raw: text.slice(0, RAW_KEEP_CHARS), reason: "line too long" },
      });
    } else if (text.trim() !== "") {
      into.push({ seq, data: parseEventLine(text) });
    }
  }
}
