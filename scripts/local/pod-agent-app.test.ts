// The pod agent's routes through Hono's app.request(), without a server or a process: auth, the
// error shape, bad bodies, unknown pods and routes. Starting and stopping real worker processes is
// pod-agent.test.ts's job; here a request that would spawn one fails the test.
import { describe, expect, it } from "vitest";
import { AgentError } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { AgentState } from "./pod-agent.ts";
import { makePodAgentApp } from "./pod-agent-app.ts";

const TOKEN = "agent-token-0123456789";

function app() {
  const state = new AgentState(
    {
      token: TOKEN,
      spawnWorker: () => {
        throw new Error("this test must not start a worker");
      },
    },
    [{ index: 0, name: "NVIDIA H200", memoryMib: 143771, memoryGb: 140 }],
    null,
  );
  return makePodAgentApp(state, TOKEN);
}

async function call(method: string, path: string, init: { body?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  const res = await app().request(path, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(AgentError.parse(res.body).error.code).toBe(code);
}

describe("pod agent routes (Hono app.request)", () => {
  it("refuses a request without the agent's token, or with another one, as 401 unauthorized", async () => {
    expectError(await call("GET", "/capacity", { token: null }), 401, "unauthorized");
    expectError(await call("GET", "/pods", { token: "not-the-token-at-all" }), 401, "unauthorized");
  });

  it("answers capacity and an empty pod list, with or without a trailing slash", async () => {
    const capacity = await call("GET", "/capacity");
    expect(capacity.status).toBe(200);
    expect(capacity.body).toMatchObject({ freeGpuIndices: [0] });
    expect(await call("GET", "/pods/")).toEqual({ status: 200, body: { pods: [] } });
    expect(await call("GET", "/pods?deploymentId=x")).toEqual({ status: 200, body: { pods: [] } });
  });

  it("refuses an empty, non-JSON or invalid create body with 400 or 422, starting nothing", async () => {
    expectError(await call("POST", "/pods", { body: "" }), 400, "invalid_request");
    expectError(await call("POST", "/pods", { body: "{nope" }), 400, "invalid_request");
    expectError(await call("POST", "/pods", { body: JSON.stringify({ name: 5 }) }), 422, "invalid_request");
  });

  it("refuses a body over 1 MiB with 413", async () => {
    expectError(
      await call("POST", "/pods", { body: JSON.stringify({ pad: "x".repeat(1024 * 1024) }) }),
      413,
      "invalid_request",
    );
  });

  it("answers 404 not_found for an unknown pod and an unknown route", async () => {
    expectError(await call("GET", "/pods/local-1-1"), 404, "not_found");
    expectError(await call("DELETE", "/pods/local-1-1"), 404, "not_found");
    expectError(await call("GET", "/elsewhere"), 404, "not_found");
  });
});
