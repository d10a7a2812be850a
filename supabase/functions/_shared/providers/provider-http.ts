// One HTTP call to a provider API: bearer auth, JSON in and out, a timeout, and network failures
// turned into `transient` ProviderErrors. Status-code classification is left to each provider,
// because RunPod and the local agent word their errors differently.
import { ProviderError, type ProviderName } from "./provider.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpTarget {
  provider: ProviderName;
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or the raw text when the body is not JSON, or null when empty. */
  body: unknown;
  text: string;
}

export async function callJson(
  target: HttpTarget,
  method: "GET" | "POST" | "DELETE" | "PATCH",
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.token}`,
    accept: "application/json",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await target.fetch(joinUrl(target.baseUrl, path), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    // Never echo the request (it carries the key); name the operation only.
    throw new ProviderError("transient", `${target.provider}: ${method} ${path} failed: ${describe(cause)}`, {
      provider: target.provider,
      cause,
    });
  }
  return { status: response.status, headers: response.headers, body: parseBody(text), text };
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === "TimeoutError" ? "timed out" : cause.message;
  return String(cause);
}

/**
 * Milliseconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * GET a streaming text answer (server-sent events) and return what arrived until the server ended
 * it, `idleMs` passed without a new chunk (a live stream never ends by itself), or the target's
 * timeout. Network failures are `transient` ProviderErrors, as in callJson.
 */
export async function callText(
  target: HttpTarget,
  path: string,
  idleMs = 1500,
): Promise<{ status: number; headers: Headers; text: string }> {
  const abort = new AbortController();
  const overall = setTimeout(() => abort.abort(), target.timeoutMs);
  try {
    const response = await target.fetch(joinUrl(target.baseUrl, path), {
      headers: { authorization: `Bearer ${target.token}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (!response.body) return { status: response.status, headers: response.headers, text: "" };
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      let idle: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<"idle">((resolve) => {
        idle = setTimeout(() => resolve("idle"), idleMs);
      });
      const next = await Promise.race([reader.read(), quiet]);
      clearTimeout(idle);
      if (next === "idle" || next.done) break;
      text += decoder.decode(next.value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    return { status: response.status, headers: response.headers, text };
  } catch (cause) {
    throw new ProviderError("transient", `${target.provider}: GET ${path} failed: ${describe(cause)}`, {
      provider: target.provider,
      cause,
    });
  } finally {
    clearTimeout(overall);
  }
}
