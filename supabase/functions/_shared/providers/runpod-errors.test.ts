import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./provider-http.ts";
import {
  classifyRunPodMessage,
  parseRateLimitReset,
  runPodErrorText,
  runPodHttpError,
} from "./runpod-errors.ts";

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers), body, text: JSON.stringify(body) };
}

describe("runpod error classification", () => {
  it("recognises RunPod's GraphQL capacity messages", () => {
    expect(
      classifyRunPodMessage(
        "There are no longer any instances available with the requested specifications. Please refresh and try again.",
      ),
    ).toBe("no_capacity");
    expect(classifyRunPodMessage("There are no longer any instances available with enough disk space.")).toBe(
      "no_capacity",
    );
  });

  it("recognises spending-limit wording before capacity wording", () => {
    expect(classifyRunPodMessage("You have exceeded your spending limit")).toBe("spending_limit");
    expect(classifyRunPodMessage("Insufficient balance to deploy")).toBe("spending_limit");
  });

  it("does not call an ordinary validation message a capacity problem", () => {
    expect(classifyRunPodMessage("gpu.count exceeds the maximum of 8")).toBeNull();
  });

  it("reads the detail of an RFC 9457 body, a v1 message and GraphQL errors", () => {
    expect(runPodErrorText({ title: "Bad Request", status: 400, detail: "nope" })).toBe("Bad Request: nope");
    expect(runPodErrorText({ message: "Pod not found" })).toBe("Pod not found");
    expect(runPodErrorText({ errors: [{ message: "boom" }] })).toBe("boom");
  });

  it("treats a 400 with spending-limit prose as spending_limit", () => {
    expect(runPodHttpError(answer(400, { detail: "spend limit reached" }), "create pod").kind).toBe(
      "spending_limit",
    );
  });

  it("treats 403 as auth and 404 as not_found", () => {
    expect(runPodHttpError(answer(403, { detail: "access denied" }), "x").kind).toBe("auth");
    expect(runPodHttpError(answer(404, { detail: "pod not found" }), "x").kind).toBe("not_found");
  });

  it("reads Retry-After given as an HTTP date", () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    expect(parseRetryAfter("Mon, 01 Jun 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("takes the longest reset among exhausted RateLimit windows", () => {
    expect(parseRateLimitReset('"minute";r=0;t=12, "hour";r=0;t=1812, "day";r=5;t=9')).toBe(1_812_000);
    expect(parseRateLimitReset('"minute";r=3;t=12')).toBeUndefined();
  });
});
