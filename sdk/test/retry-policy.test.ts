import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  isRetryableStatus,
  MAX_RETRY_DELAY_MS,
  parseRetryAfterMs,
} from "../src/core/retry.ts";

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("retry policy", () => {
  it("keeps every backoff delay between 75% and 100% of the doubling base, capped at 8 s", () => {
    for (let retries = 0; retries < 10; retries++) {
      const base = Math.min(500 * 2 ** retries, MAX_RETRY_DELAY_MS);
      expect(backoffDelayMs(retries, () => 0)).toBe(base);
      expect(backoffDelayMs(retries, () => 0.999999)).toBeGreaterThanOrEqual(base * 0.75);
      expect(backoffDelayMs(retries, () => 0.999999)).toBeLessThan(base);
    }
  });

  it("reads retry-after as seconds, as an HTTP date, and prefers retry-after-ms", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs(headers({ "retry-after": "3" }), now)).toBe(3000);
    expect(parseRetryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
    expect(parseRetryAfterMs(headers({ "retry-after": "1", "retry-after-ms": "250" }), now)).toBe(250);
  });

  it("ignores retry-after values that are garbage or longer than a minute", () => {
    expect(parseRetryAfterMs(headers({ "retry-after": "soon" }), 0)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ "retry-after": "3600" }), 0)).toBeUndefined();
    expect(parseRetryAfterMs(headers(), 0)).toBeUndefined();
  });

  it("retries 408, 429 and 5xx but never 400, 401, 403, 404 or 422", () => {
    for (const status of [408, 429, 500, 502, 503, 546])
      expect(isRetryableStatus(status, undefined, headers())).toBe(true);
    for (const status of [400, 401, 403, 404, 422])
      expect(isRetryableStatus(status, "x", headers())).toBe(false);
  });

  it("does not retry a 409 that carries a business error code, but retries an unexplained 409", () => {
    expect(isRetryableStatus(409, "job_not_cancelable", headers())).toBe(false);
    expect(isRetryableStatus(409, "conflict", headers())).toBe(false);
    expect(isRetryableStatus(409, "lease_lost", headers())).toBe(false);
    expect(isRetryableStatus(409, undefined, headers())).toBe(true);
  });

  it("lets the server override the decision with x-should-retry", () => {
    expect(isRetryableStatus(400, "invalid_request", headers({ "x-should-retry": "true" }))).toBe(true);
    expect(isRetryableStatus(503, undefined, headers({ "x-should-retry": "false" }))).toBe(false);
  });
});
