// An injected `fetch` that routes to handlers and records what the SDK sent.
import type { Clock } from "../../src/core/clock.ts";

export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Uint8Array;
}

export type Handler = (call: RecordedCall, attempt: number) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function apiError(status: number, code: string, message = code, requestId = "req_test"): Response {
  return json({ error: { code, message, request_id: requestId } }, status);
}

/**
 * Routes are `"METHOD /path"`; unknown routes answer 404 not_found. `GET /api/me` answers with
 * ORG_ID unless a route overrides it, and is not recorded (the client asks it once, lazily).
 */
export function fakeFetch(routes: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const attempts = new Map<string, number>();
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    const bare = url.pathname.replace(/^\/functions\/v1/, "");
    if (request.method === "GET" && bare === "/api/me" && !routes["GET /api/me"]) {
      return json({
        organization: { id: ORG_ID, name: "test", created_at: "2026-01-01T00:00:00Z" },
        token_id: null,
        role: "admin",
        user_id: null,
      });
    }
    const call: RecordedCall = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
    };
    calls.push(call);
    const key = `${request.method} ${url.pathname.replace(/^\/functions\/v1/, "")}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const handler = routes[key];
    return handler ? handler(call, attempt) : apiError(404, "not_found", `no route ${key}`);
  };
  return { fetch, calls, bodyJson: (call: RecordedCall) => JSON.parse(new TextDecoder().decode(call.body)) };
}

/** A clock that records requested sleeps and advances instantly. */
export function fakeClock(
  start = 1_700_000_000_000,
): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

export const BASE_URL = "http://api.test/functions/v1";
export const ORG_ID = "00000000-0000-4000-8000-000000000001";

export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "addition-0123456789ab",
    object: "job",
    organization_id: ORG_ID,
    type: "addition",
    status: "pending",
    image: "python:3.12-slim",
    entrypoint: ["python", "add.py"],
    params: {},
    mounts: {},
    requires_vram_gb: 0,
    allowed_hardware: null,
    priority: 0,
    timeout_seconds: 86400,
    max_attempts: 3,
    attempts: 0,
    secrets: [],
    model: null,
    outputs: null,
    failure_kind: null,
    failure_message: null,
    worker_id: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}
