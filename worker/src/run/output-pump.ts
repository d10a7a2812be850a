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

/** Waits for the pumps to finish, but not forever: an escaped grandchild can hold a pipe open. */
export async function awaitPumps(
  pumps: Promise<void>[],
  streams: Readable[],
  sleep: (ms: number) => Promise<void>,
  graceMs: number,
): Promise<void> {
  const all = Promise.all(pumps);
  const finished = await Promise.race([all.then(() => true), sleep(graceMs).then(() => false)]);
  if (!finished) {
    for (const s of streams) s.destroy();
    await all;
  }
}
