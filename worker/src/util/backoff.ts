import type { Clock } from "./clock.ts";

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000 };

/** Exponential delay with full jitter, so many workers retrying after an outage spread out. */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryOptions extends BackoffOptions {
  clock: Clock;
  /** Give up after this many attempts (Infinity: until `signal` aborts). */
  maxAttempts: number;
  isRetryable: (error: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it succeeds, a non-retryable error occurs, attempts run out or `signal` aborts.
 * The last error is rethrown; an abort rethrows the error that was being retried.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const last = attempt + 1 >= options.maxAttempts;
      if (!options.isRetryable(error) || last || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt + 1, delay);
      await options.clock.sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
