import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunPod, NO_CAPACITY_DETAIL, startFakeRunPod } from "./server.ts";

const API_KEY = "fake-key";
let fake: FakeRunPod;
beforeAll(async () => {
  fake = await startFakeRunPod({ apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown, key: string | null = API_KEY) {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

const valid = { name: "p", image: "img", gpu: { id: "NVIDIA A40", count: 1 } };

describe("fake RunPod v2 request validation", () => {
  it("answers a missing bearer token with a 401 problem document", async () => {
    const res = await call("GET", "/v2/pods", undefined, null);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toEqual({ title: "Unauthorized", status: 401, detail: "missing bearer token" });
  });

  it("answers a wrong key with 401", async () => {
    expect((await call("GET", "/v2/pods", undefined, "other")).status).toBe(401);
  });

  it("lists pods wrapped in {pods} with RateLimit headers", async () => {
    const res = await call("GET", "/v2/pods");
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body?.pods)).toBe(true);
    expect(res.headers.get("ratelimit-policy")).toContain('"minute";q=60');
  });

  it("answers schema violations with 422 and one error string per problem", async () => {
    const res = await call("POST", "/v2/pods", {
      image: 3,
      bogus: true,
      gpu: { id: "NVIDIA A40", count: 0 },
    });
    expect(res.status).toBe(422);
    expect(res.body?.detail).toBe("Request validation failed.");
    expect(res.body?.errors).toEqual([
      "$: missing properties 'name'",
      "$: additional properties 'bogus' not allowed",
      "$.image: expected string, but got number",
      "$.gpu.count: minimum: got 0, want 1",
    ]);
  });

  it("answers a body with both gpu and cpu with a 400", async () => {
    const res = await call("POST", "/v2/pods", { ...valid, cpu: { id: "cpu5c", vcpuCount: 4 } });
    expect(res.status).toBe(400);
    expect(res.body?.detail).toBe("exactly one of gpu or cpu must be set");
  });

  it("refuses a persistent mount on a CPU pod and a non-power-of-two vCPU count", async () => {
    const mounted = await call("POST", "/v2/pods", {
      name: "c",
      image: "i",
      cpu: { id: "cpu5c", vcpuCount: 4 },
      mounts: { persistent: { size: 10, path: "/w" } },
    });
    expect(mounted.status).toBe(400);
    const odd = await call("POST", "/v2/pods", { name: "c", image: "i", cpu: { id: "cpu5c", vcpuCount: 6 } });
    expect(odd.status).toBe(400);
  });

  it("answers malformed JSON with a 400", async () => {
    expect((await call("POST", "/v2/pods", "{not json")).status).toBe(400);
  });

  it("answers a capacity shortage with RunPod's 400 wording", async () => {
    fake.state.noCapacity.add("NVIDIA A40");
    const res = await call("POST", "/v2/pods", valid);
    fake.state.noCapacity.clear();
    expect(res.status).toBe(400);
    expect(res.body?.detail).toBe(NO_CAPACITY_DETAIL);
  });

  it("creates a pod with every field the v2 Pod schema requires", async () => {
    const res = await call("POST", "/v2/pods", valid);
    expect(res.status).toBe(201);
    for (const field of [
      "id",
      "name",
      "status",
      "actions",
      "image",
      "args",
      "disk",
      "mounts",
      "ports",
      "env",
    ]) {
      expect(res.body).toHaveProperty(field);
    }
    for (const field of [
      "registry",
      "cloud",
      "dataCenterId",
      "template",
      "cost",
      "locked",
      "runtime",
      "createdAt",
    ]) {
      expect(res.body).toHaveProperty(field);
    }
    expect(res.body?.status).toBe("PROVISIONING");
  });

  it("answers 405 with an Allow header for an unsupported method", async () => {
    const res = await call("PUT", "/v2/pods");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });

  it("switches failure modes through the control endpoint", async () => {
    const control = await fetch(`${fake.url}/__control`, {
      method: "POST",
      body: JSON.stringify({ spendingLimit: true, rateLimitNext: 1 }),
    });
    expect(control.status).toBe(200);
    expect((await call("GET", "/v2/pods")).status).toBe(429);
    expect((await call("POST", "/v2/pods", valid)).status).toBe(402);
    fake.state.spendingLimit = false;
  });

  it("refuses catalog filters given without include=AVAILABILITY", async () => {
    expect((await call("GET", "/v2/catalog/gpus?count=2")).status).toBe(400);
    expect((await call("GET", "/v2/catalog/gpus?include=AVAILABILITY&count=2")).status).toBe(200);
  });
});
