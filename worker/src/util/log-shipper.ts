// Ships the worker's own log records (start, GPU health, registration, shutdown, a crash) to the
// worker-api's worker log, so `ow workers logs <id>` shows what happened on a pod outside any run.
// Run output has its own pipeline (run/log-batcher.ts); this one is best effort: records are
// batched every `intervalMs`, a failed post is retried on the next flush, and past `maxQueued`
// the oldest records are dropped (and the drop is said) — a worker must never stall on its log.
import { formatRecord, type LogFields, type Logger, type LogLevel } from "./logger.ts";

export interface LogShipperOptions {
  workerApiUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Lowest level shipped (debug stays local). */
  minLevel?: Exclude<LogLevel, "debug">;
  intervalMs?: number;
  maxQueued?: number;
  requestTimeoutMs?: number;
}

export interface ShippingLogger extends Logger {
  /** Posts what is queued; resolves (never rejects) within the request timeout. */
  flush(): Promise<void>;
  /** Stops the timer after a last flush. */
  close(): Promise<void>;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const MAX_BATCH = 500;
const MAX_LINE = 2000;

export function createShippingLogger(inner: Logger, options: LogShipperOptions): ShippingLogger {
  const doFetch = options.fetch ?? fetch;
  const minLevel = LEVELS[options.minLevel ?? "info"];
  const maxQueued = options.maxQueued ?? 2000;
  const queue: string[] = [];
  let dropped = 0;
  let inFlight: Promise<void> | null = null;

  const post = async (lines: string[]): Promise<boolean> => {
    try {
      const res = await doFetch(`${options.workerApiUrl}/worker-logs`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
        body: JSON.stringify({ source: "worker", lines }),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
      });
      // 4xx other than 429 will not get better by retrying (revoked token, line budget spent).
      return res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429);
    } catch {
      return false;
    }
  };

  const flushOnce = async (): Promise<void> => {
    if (dropped > 0) {
      queue.unshift(`(${dropped} worker log lines dropped: the api could not keep up)`);
      dropped = 0;
    }
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      if (!(await post(batch))) return;
      queue.splice(0, batch.length);
    }
  };
  const flush = (): Promise<void> => {
    inFlight ??= flushOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 1000);
  timer.unref?.();

  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    inner[level](message, fields);
    if (LEVELS[level] < minLevel) return;
    queue.push(formatRecord(level, message, fields).slice(0, MAX_LINE));
    if (queue.length > maxQueued) {
      queue.shift();
      dropped += 1;
    }
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    flush,
    async close() {
      clearInterval(timer);
      // A flush already in flight took its batch before the last records were queued: flush
      // again until the queue is empty or the api refuses (a failed post keeps its lines queued).
      for (let rounds = 0; rounds < 3 && queue.length > 0; rounds++) await flush();
      await flush();
    },
  };
}
