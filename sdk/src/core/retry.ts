/**
 * When to retry and how long to wait. Pure functions so the policy is tested without a clock.
 *
 * 409 policy: every 409 our API sends carries a contract error code (`conflict`,
 * `job_not_cancelable`, `lease_lost`, …) and means "the state says no" — retrying cannot change
 * the answer, so those are never retried. A 409 without a recognisable code comes from something
 * in between (a proxy, lock contention in a gateway) and is treated as transient.
 */
import { ErrorCode } from "@contract";

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/** A server asking for a longer pause than this is ignored in favour of our own backoff. */
export const MAX_RETRY_AFTER_MS = 60_000;

const BUSINESS_CONFLICT_CODES: ReadonlySet<string> = new Set(ErrorCode.options);

export function isRetryableStatus(status: number, code: string | undefined, headers: Headers): boolean {
  const hint = headers.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  if (status === 408 || status === 429 || status >= 500) return true;
  if (status === 409) return code === undefined || !BUSINESS_CONFLICT_CODES.has(code);
  return false;
}

/** `retry-after-ms`, then `retry-after` as seconds or as an HTTP date; undefined when absent or unusable. */
export function parseRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return clampRetryAfter(Number(ms));
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return clampRetryAfter(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return clampRetryAfter(date - nowMs);
}

function clampRetryAfter(ms: number): number | undefined {
  if (ms < 0) return 0;
  return ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/**
 * Exponential backoff with jitter: attempt 0 waits 375–500 ms, doubling up to 6–8 s.
 * The jitter keeps a fleet of clients that failed together from retrying together.
 */
export function backoffDelayMs(retriesSoFar: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retriesSoFar, MAX_RETRY_DELAY_MS);
  return base * (1 - random() * 0.25);
}

export function retryDelayMs(
  retriesSoFar: number,
  headers: Headers | undefined,
  nowMs: number,
  random?: () => number,
): number {
  const asked = headers ? parseRetryAfterMs(headers, nowMs) : undefined;
  return asked ?? backoffDelayMs(retriesSoFar, random);
}
