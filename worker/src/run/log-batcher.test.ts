import type { LogBatch } from "@contract";
import { describe, expect, it } from "vitest";
import { isRetryableApiError, WorkerApiError } from "../api/worker-api-error.ts";
import { withRetry } from "../util/backoff.ts";
import { systemClock } from "../util/clock.ts";
import { LogBatcher } from "./log-batcher.ts";

/** A log store that dedups by seq, as the API does, and can fail before or after storing. */
function flakyStore(fate: (call: number) => "ok" | "fail" | "store_then_fail") {
  const stored = new Map<number, LogBatch>();
  let calls = 0;
  const post = async (batch: LogBatch) => {
    const f = fate(++calls);
    if (f === "fail") throw new WorkerApiError(503, "service_unavailable", "down");
    if (!stored.has(batch.seq)) stored.set(batch.seq, structuredClone(batch));
    if (f === "store_then_fail") throw new WorkerApiError(null, "network_error", "answer lost");
  };
  const lines = () =>
    [...stored.keys()]
      .sort((a, b) => a - b)
      .flatMap((seq) => {
        const b = stored.get(seq) as LogBatch;
        return b.lines.map((line, i) => `${b.streams[i]}:${line}`);
      });
  return { post, stored, lines, calls: () => calls };
}

function batcherFor(
  post: (b: LogBatch) => Promise<void>,
  overrides: Partial<ConstructorParameters<typeof LogBatcher>[0]> = {},
) {
  return new LogBatcher({
    clock: systemClock,
    flushIntervalMs: 5,
    maxBatchLines: 500,
    maxBatchBytes: 64 * 1024,
    maxBufferedBytes: 1024 * 1024,
    send: (batch, signal) =>
      withRetry(() => post(batch), {
        clock: systemClock,
        initialMs: 1,
        maxMs: 5,
        maxAttempts: Number.POSITIVE_INFINITY,
        isRetryable: isRetryableApiError,
        signal,
      }),
    ...overrides,
  });
}

async function pushAll(batcher: LogBatcher, lines: ["o" | "e", string][]) {
  for (const [stream, line] of lines) {
    const wait = batcher.push(stream, line);
    if (wait) await wait;
  }
}

describe("log batcher", () => {
  it("sends lines in order with consecutive seqs and one stream tag per line", async () => {
    const store = flakyStore(() => "ok");
    const batcher = batcherFor(store.post, { maxBatchLines: 3 });
    await pushAll(batcher, [
      ["o", "a"],
      ["e", "b"],
      ["o", "c"],
      ["o", "d"],
      ["e", "e"],
    ]);
    await batcher.close();
    expect(store.lines()).toEqual(["o:a", "e:b", "o:c", "o:d", "e:e"]);
    expect([...store.stored.keys()].sort()).toEqual([...Array(store.stored.size).keys()]);
    for (const batch of store.stored.values()) expect(batch.streams.length).toBe(batch.lines.length);
  });

  it("loses and duplicates nothing of 100,000 lines when the API fails intermittently", async () => {
    const store = flakyStore((n) => (n % 3 === 1 ? "fail" : n % 3 === 2 ? "store_then_fail" : "ok"));
    const batcher = batcherFor(store.post, { maxBatchLines: 2_000 });
    const input = Array.from({ length: 100_000 }, (_, i): ["o" | "e", string] => [
      i % 7 === 0 ? "e" : "o",
      `line ${i}`,
    ]);
    await pushAll(batcher, input);
    await batcher.close();
    expect(store.lines()).toEqual(input.map(([s, l]) => `${s}:${l}`));
    expect(store.calls()).toBeGreaterThan(store.stored.size);
  });

  it("resends a batch with the same seq and content after a lost answer", async () => {
    const sent: LogBatch[] = [];
    const store = flakyStore((n) => (n === 1 ? "store_then_fail" : "ok"));
    const batcher = batcherFor(async (b) => {
      sent.push(structuredClone(b));
      await store.post(b);
    });
    await pushAll(batcher, [
      ["o", "x"],
      ["o", "y"],
    ]);
    await batcher.close();
    expect(sent[0]).toEqual(sent[1]);
    expect(store.lines()).toEqual(["o:x", "o:y"]);
  });

  it("keeps each batch under the byte limit", async () => {
    const store = flakyStore(() => "ok");
    const batcher = batcherFor(store.post, { maxBatchBytes: 1_000 });
    await pushAll(
      batcher,
      Array.from({ length: 50 }, (): ["o", string] => ["o", "x".repeat(99)]),
    );
    await batcher.close();
    for (const b of store.stored.values()) expect(b.lines.length).toBeLessThanOrEqual(10);
    expect(store.lines()).toHaveLength(50);
  });

  it("makes the producer wait while the API is down instead of buffering without bound", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const store = flakyStore(() => "ok");
    const batcher = batcherFor(
      async (b) => {
        await gate;
        await store.post(b);
      },
      { maxBufferedBytes: 100, maxBatchLines: 2 },
    );
    let waited = false;
    for (let i = 0; i < 20 && !waited; i++)
      waited = batcher.push("o", `line ${i} ${"x".repeat(20)}`) !== undefined;
    expect(waited).toBe(true);
    release();
    await batcher.close();
    expect(store.lines().length).toBeGreaterThan(0);
  });

  it("gives up on a non-retryable answer and reports it on close", async () => {
    const batcher = batcherFor(async () => {
      throw new WorkerApiError(409, "lease_lost", "gone");
    });
    batcher.push("o", "a");
    await expect(batcher.close()).rejects.toMatchObject({ code: "lease_lost" });
    expect(batcher.push("o", "after")).toBeUndefined();
  });

  it("paces requests by the interval from the previous request's start; a line after a quiet spell goes at once", async () => {
    let now = 1_000;
    const slept: number[] = [];
    const clock = {
      now: () => now,
      async sleep(ms: number) {
        slept.push(ms);
        now += ms;
      },
    };
    const sent: { at: number; lines: string[] }[] = [];
    let batcher: LogBatcher | null = null;
    batcher = batcherFor(
      async (batch) => {
        sent.push({ at: now, lines: batch.lines });
        now += 100; // the POST takes 100 ms; the job prints two more lines meanwhile
        if (sent.length === 1) {
          batcher?.push("o", "b");
          batcher?.push("o", "c");
        }
      },
      { clock, flushIntervalMs: 250 },
    );
    batcher.push("o", "a");
    await new Promise((r) => setTimeout(r, 20));
    await batcher.close();
    expect(sent).toEqual([
      { at: 1_000, lines: ["a"] },
      { at: 1_250, lines: ["b", "c"] },
    ]);
    expect(slept).toEqual([150]);
  });
});
