import { afterEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OpenWeights,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../src/index.ts";
import {
  apiError,
  BASE_URL,
  fakeClock,
  fakeFetch,
  type Handler,
  jobBody,
  json,
  ORG_ID,
} from "./support/fake-fetch.ts";

function client(routes: Record<string, Handler>, options: { apiKey?: string; maxRetries?: number } = {}) {
  const fake = fakeFetch(routes);
  const clock = fakeClock();
  const ow = new OpenWeights({
    apiKey: options.apiKey ?? "test-jwt",
    baseURL: BASE_URL,
    fetch: fake.fetch,
    clock,
    random: () => 0,
    maxRetries: options.maxRetries,
  });
  return { ow, ...fake, clock };
}

const exchangeAnswer = (jwt: string, expiresAtSec: number) =>
  json({
    access_token: jwt,
    token_type: "bearer",
    expires_in: 3600,
    expires_at: expiresAtSec,
    organization_id: ORG_ID,
    role: "admin",
  });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("OpenWeights client", () => {
  it("reads the API key and base URL from the environment", async () => {
    vi.stubEnv("OPENWEIGHTS_API_KEY", "env-jwt");
    vi.stubEnv("OPENWEIGHTS_API_URL", "http://env.test/functions/v1/");
    const fake = fakeFetch({ "GET /api/jobs/j": () => json(jobBody()) });
    const ow = new OpenWeights({ fetch: fake.fetch });
    await ow.jobs.retrieve("j");
    expect(fake.calls[0]?.headers.get("authorization")).toBe("Bearer env-jwt");
    expect(new URL(`http://env.test${fake.calls[0]?.path}`).pathname).toBe("/functions/v1/api/jobs/j");
  });

  it("refuses to start without an API key and says where to get one", () => {
    vi.stubEnv("OPENWEIGHTS_API_KEY", "");
    expect(() => new OpenWeights({})).toThrow(/OPENWEIGHTS_API_KEY/);
  });

  it("retries a 429 after the number of seconds in retry-after, then succeeds", async () => {
    const { ow, calls, clock } = client({
      "GET /api/jobs/j": (_c, attempt) =>
        attempt === 1 ? apiError(429, "rate_limited") : json(jobBody({ status: "completed" })),
    });
    const job = await ow.jobs.retrieve("j");
    expect(job.status).toBe("completed");
    expect(calls).toHaveLength(2);
    expect(clock.sleeps).toEqual([500]); // no retry-after header: first backoff step with zero jitter
  });

  it("waits exactly as long as retry-after asks when the server sends it", async () => {
    const { ow, clock } = client({
      "GET /api/jobs/j": (_c, attempt) =>
        attempt === 1
          ? new Response(
              JSON.stringify({ error: { code: "rate_limited", message: "slow", request_id: "r" } }),
              {
                status: 429,
                headers: { "retry-after": "3" },
              },
            )
          : json(jobBody()),
    });
    await ow.jobs.retrieve("j");
    expect(clock.sleeps).toEqual([3000]);
  });

  it("gives up after maxRetries and throws RateLimitError with code and request id", async () => {
    const { ow, calls } = client(
      { "GET /api/jobs/j": () => apiError(429, "rate_limited", "slow down", "req_42") },
      { maxRetries: 3 },
    );
    const error = await ow.jobs.retrieve("j").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", requestID: "req_42" });
    expect(calls).toHaveLength(4);
  });

  it("never retries a 400", async () => {
    const { ow, calls } = client({ "POST /api/jobs": () => apiError(400, "invalid_request") });
    await expect(ow.jobs.create({ type: "x", image: "i", entrypoint: ["a"] })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    expect(calls).toHaveLength(1);
  });

  it("retries connection errors and then throws APIConnectionError", async () => {
    const ow = new OpenWeights({
      apiKey: "k",
      baseURL: BASE_URL,
      maxRetries: 1,
      clock: fakeClock(),
      fetch: async () => {
        throw new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") });
      },
    });
    const error = await ow.jobs.retrieve("j").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])("maps HTTP %i to its own error class", async (status, ErrorClass) => {
    const { ow } = client(
      { "GET /api/me": () => apiError(status, "some_code", "boom", "req_1") },
      { maxRetries: 0 },
    );
    const error = await ow.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status, code: "some_code", requestID: "req_1" });
  });

  it("carries validation details from the error body", async () => {
    const { ow } = client({
      "POST /api/jobs": () =>
        json(
          {
            error: {
              code: "invalid_request",
              message: "bad",
              request_id: "r",
              details: [{ path: "image", message: "required" }],
            },
          },
          400,
        ),
    });
    const error = (await ow.jobs
      .create({ type: "x", image: "", entrypoint: ["a"] })
      .catch((e: unknown) => e)) as APIError;
    expect(error.details).toEqual([{ path: "image", message: "required" }]);
  });

  it("exchanges an ow_ token once and reuses the JWT until it nears expiry", async () => {
    const { ow, calls, clock } = client(
      {
        "POST /api/auth/token": (_c, n) => exchangeAnswer(`jwt-${n}`, Math.floor(clock.now() / 1000) + 3600),
        "GET /api/me": () =>
          json({
            organization: { id: ORG_ID, name: "o", created_at: "t" },
            token_id: null,
            role: "admin",
            user_id: null,
          }),
      },
      { apiKey: "ow_test" },
    );
    await ow.me();
    await ow.me();
    expect(calls.filter((c) => c.path.endsWith("/auth/token"))).toHaveLength(1);
    expect(calls.at(-1)?.headers.get("authorization")).toBe("Bearer jwt-1");
    clock.advance(3600_000 - 30_000); // inside the refresh margin
    await ow.me();
    expect(calls.at(-1)?.headers.get("authorization")).toBe("Bearer jwt-2");
  });

  it("refreshes the JWT once and replays the request when the server says token_expired", async () => {
    const { ow, calls, clock } = client(
      {
        "POST /api/auth/token": (_c, n) => exchangeAnswer(`jwt-${n}`, Math.floor(clock.now() / 1000) + 3600),
        "GET /api/jobs/j": (call) =>
          call.headers.get("authorization") === "Bearer jwt-1"
            ? apiError(401, "token_expired")
            : json(jobBody()),
      },
      { apiKey: "ow_test" },
    );
    await ow.jobs.retrieve("j");
    expect(calls.map((c) => c.path.replace("/functions/v1", ""))).toEqual([
      "/api/auth/token",
      "/api/jobs/j",
      "/api/auth/token",
      "/api/jobs/j",
    ]);
  });

  it("does not loop when a refreshed token is rejected again", async () => {
    const { ow } = client(
      {
        "POST /api/auth/token": (_c, n) => exchangeAnswer(`jwt-${n}`, 2_000_000_000),
        "GET /api/jobs/j": () => apiError(401, "invalid_token"),
      },
      { apiKey: "ow_test" },
    );
    await expect(ow.jobs.retrieve("j")).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("keeps unknown response fields and unknown enum values instead of crashing", async () => {
    const { ow } = client({
      "GET /api/jobs/j": () => json(jobBody({ status: "hibernating", brand_new_field: { nested: 1 } })),
      "GET /api/me": () =>
        json({
          organization: { id: ORG_ID, name: "o", created_at: "t" },
          token_id: null,
          role: "superuser",
          user_id: null,
        }),
    });
    const job = await ow.jobs.retrieve("j");
    expect(job.status).toBe("hibernating");
    expect((job as unknown as Record<string, unknown>).brand_new_field).toEqual({ nested: 1 });
    expect((await ow.me()).role).toBe("superuser");
  });

  it("walks every item across cursor pages with for await", async () => {
    const { ow, calls } = client({
      "GET /api/jobs": (call) => {
        const cursor = call.query.get("cursor");
        if (!cursor)
          return json({ object: "list", data: [jobBody({ id: "a-000000000001" })], next_cursor: "c2" });
        if (cursor === "c2")
          return json({ object: "list", data: [jobBody({ id: "a-000000000002" })], next_cursor: "c3" });
        return json({ object: "list", data: [jobBody({ id: "a-000000000003" })], next_cursor: null });
      },
    });
    const ids: string[] = [];
    for await (const job of ow.jobs.list({ status: "pending", limit: 1 })) ids.push(job.id);
    expect(ids).toEqual(["a-000000000001", "a-000000000002", "a-000000000003"]);
    expect(calls.map((c) => c.query.get("cursor"))).toEqual([null, "c2", "c3"]);
    expect(calls[0]?.query.get("status")).toBe("pending");
  });

  it("gives the first page on await, with hasNextPage and getNextPage", async () => {
    const { ow } = client({
      "GET /api/jobs": (call) =>
        json({ object: "list", data: [jobBody()], next_cursor: call.query.get("cursor") ? null : "next" }),
    });
    const page = await ow.jobs.list();
    expect(page.data).toHaveLength(1);
    expect(page.hasNextPage()).toBe(true);
    const second = await page.getNextPage();
    expect(second.hasNextPage()).toBe(false);
  });

  it("sends find() filters as a JSON params query", async () => {
    const { ow, calls } = client({
      "GET /api/jobs": () => json({ object: "list", data: [], next_cursor: null }),
    });
    await ow.jobs.find({ model: "m", epochs: 3 });
    expect(JSON.parse(calls[0]?.query.get("params") ?? "")).toEqual({ model: "m", epochs: 3 });
  });
});
