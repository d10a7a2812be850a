import type { Readable } from "node:stream";
import { LineSplitter } from "./line-splitter.ts";
import type { LogBatcher, StreamTag } from "./log-batcher.ts";

/** The last lines of output, kept to recognise an out-of-memory death. */
export class RecentLines {
  readonly #max: number;
  readonly lines: string[] = [];
  constructor(max = 100) {
    this.#max = max;
  }
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.#max) this.lines.shift();
  }
}

/**
 * Reads one of the job's pipes line by line into the batcher. `for await` only asks for the next
 * chunk after the batcher has room, so a slow API pauses the pipe instead of growing memory.
 */
export async function pumpOutput(
  stream: Readable,
  tag: StreamTag,
  batcher: LogBatcher,
  recent: RecentLines,
  maxLineChars: number,
): Promise<void> {
  const splitter = new LineSplitter(maxLineChars);
  const forward = async (lines: string[]) => {
    for (const line of lines) {
      recent.add(line);
      const wait = batcher.push(tag, line);
      if (wait) await wait;
    }
  };
  try {
    for await (const chunk of stream) await forward(splitter.push(chunk as Buffer));
  } catch {
    // the pipe was destroyed (the job's leftovers held it open past the deadline): keep what we have
  }
  await forward(splitter.end());
}

/**
 * Waits for the pumps to finish, but not forever: an escaped grandchild can hold a pipe open, and
 * a pump can wait for room in the batcher that only a successful send makes. The run's report waits
 * on this after the job has exited, while the heartbeat keeps its lease alive, so both waits are
 * bounded: destroying the pipes ends the first; the second ends only with the batcher, which the
 * caller's final flush gives up on (issue 11: a job stayed `in_progress` after its process exited,
 * its output held back by a logs route that kept failing).
 */
export async function awaitPumps(
  pumps: Promise<void>[],
  streams: Readable[],
  sleep: (ms: number) => Promise<void>,
  graceMs: number,
): Promise<void> {
  const all = Promise.all(pumps).then(() => true);
  if (await Promise.race([all, sleep(graceMs).then(() => false)])) return;
  for (const s of streams) s.destroy();
  // A pump parked on backpressure is released when the batcher closes or aborts: do not wait for it.
  await Promise.race([all, sleep(PUMP_STOP_MS)]);
}

/** How long destroyed pipes get to end their pumps (they end at once unless waiting for room). */
const PUMP_STOP_MS = 1_000;
