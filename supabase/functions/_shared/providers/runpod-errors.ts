// Turning RunPod's answers into ProviderErrors. RunPod has no machine-readable error codes for the
// cases the scaler cares most about: "out of capacity" arrives as a 400 (REST v2) or an HTTP 200
// GraphQL error whose message must be string-matched (runpod-python #297, runpodctl #189,
// dstack #1740), and spending-limit failures come as 402 or as prose. So: status first, then text.

import { ProviderError, type ProviderErrorKind } from "./provider.ts";
import { type HttpAnswer, parseRetryAfter } from "./provider-http.ts";

// Observed wordings: "There are no longer any instances available with the requested
// specifications. Please refresh and try again." and "...with enough disk space."
const CAPACITY_TEXT = [
  /no longer any instances available/i,
  /no (gpus?|instances?|machines?|hosts?) (are )?(currently )?available/i,
  /(not enough|insufficient) (gpu )?(capacity|gpus|stock)/i,
  /out of (capacity|stock)/i,
  /could not find (any )?(a )?(pod|machine|host)s? (that|with|matching)/i,
];
// The original OpenWeights matched these words to pause on spending limits; 402 is RunPod v2's
// "insufficient balance".
const SPENDING_TEXT = [
  /spending limit/i,
  /spend limit/i,
  /budget limit/i,
  /exceeded your/i,
  /insufficient (balance|funds|credit)/i,
  /balance is too low/i,
];

/** Classifies a RunPod error text (REST `detail` or a GraphQL `errors[].message`), if it is telling. */
export function classifyRunPodMessage(text: string): "no_capacity" | "spending_limit" | null {
  if (SPENDING_TEXT.some((p) => p.test(text))) return "spending_limit";
  if (CAPACITY_TEXT.some((p) => p.test(text))) return "no_capacity";
  return null;
}

/** The human-readable part of a RunPod error body: RFC 9457 `detail`, v1 `message`/`error`, GraphQL `errors`. */
export function runPodErrorText(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500);
  if (body === null || typeof body !== "object") return "";
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ["title", "detail", "message", "error"]) {
    const value = record[key];
    if (typeof value === "string") parts.push(value);
  }
  const errors = record.errors;
  if (Array.isArray(errors)) {
    for (const item of errors) {
      if (typeof item === "string") parts.push(item);
      else if (
        item &&
        typeof item === "object" &&
        typeof (item as { message?: unknown }).message === "string"
      ) {
        parts.push((item as { message: string }).message);
      }
    }
  }
  return parts.join(": ").slice(0, 1000);
}

/**
 * Seconds until the exhausted window resets, from the IETF `RateLimit` header RunPod sends
 * (`"minute";r=0;t=12, "hour";r=2800;t=1812`). Used when a 429 lacks Retry-After.
 */
export function parseRateLimitReset(value: string | null): number | undefined {
  if (value === null) return undefined;
  let waitSeconds: number | undefined;
  for (const member of value.split(",")) {
    const remaining = /;\s*r=(\d+)/.exec(member);
    const reset = /;\s*t=(\d+)/.exec(member);
    if (remaining?.[1] === "0" && reset?.[1] !== undefined) {
      waitSeconds = Math.max(waitSeconds ?? 0, Number(reset[1]));
    }
  }
  return waitSeconds === undefined ? undefined : waitSeconds * 1000;
}

function kindForStatus(status: number, text: string): ProviderErrorKind {
  const fromText = classifyRunPodMessage(text);
  if (status === 402 || fromText === "spending_limit") return "spending_limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limited";
  if (status === 404) return "not_found";
  if (status === 408 || status >= 500) return "transient";
  // v2 spec: a 400 on create is a cross-field rule *or* no capacity, told apart only by text.
  if (fromText === "no_capacity") return "no_capacity";
  return "bad_request";
}

/** A ProviderError for a non-2xx RunPod REST answer. `operation` names the call, e.g. "create pod". */
export function runPodHttpError(answer: HttpAnswer, operation: string): ProviderError {
  const text = runPodErrorText(answer.body);
  const kind = kindForStatus(answer.status, text);
  const retryAfterMs =
    parseRetryAfter(answer.headers.get("retry-after")) ??
    (kind === "rate_limited" ? parseRateLimitReset(answer.headers.get("ratelimit")) : undefined);
  return new ProviderError(kind, `runpod: ${operation}: HTTP ${answer.status}${text ? `: ${text}` : ""}`, {
    provider: "runpod",
    status: answer.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
