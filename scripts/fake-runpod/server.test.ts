import { beforeEach, describe, expect, it } from "vitest";
import { appendLog, makeFakeRunPodApp, NO_CAPACITY_DETAIL } from "./app.ts";
import { createFakeState, type FakeRunPodState } from "./fake-state.ts";
import { startFakeRunPod } from "./server.ts";

const API_KEY = "fake-key";
let state: FakeRunPodState;
let app: ReturnType<typeof makeFakeRunPodApp>;
beforeEach(() => {
  state = createFakeState(API_KEY);
  app = makeFakeRunPodApp(state);
});

async function call(method: string, path: string, body?: unknown, key: string | null = API_KEY) {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await app.request(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = res.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, body: json as Record<string, unknown> | null };
}

const valid = { name: "p", image: "img", gpu: { id: "NVIDIA A40", count: 1 } };

describe("fake RunPod: requests are held to RunPod's OpenAPI document", () => {
  it("answers a missing bearer token with a 401 problem document", async () => {
    const res = await call("GET", "/v2/pods", undefined, null);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toEqual({ title: "Unauthorized", status: 401, detail: "missing bearer token" });
    expect((await call("GET", "/v2/pods", undefined, "other")).status).toBe(401);
  });

  it("lists pods wrapped in {pods} with RateLimit headers", async () => {
    const res = await call("GET", "/v2/pods");
    expect(res.status).toBe(200);
    expect(res.body?.pods).toEqual([]);
    expect(res.headers.get("ratelimit-policy")).toContain('"minute";q=60');
  });

  it("refuses a body the schema refuses with 422 and one error per problem, creating nothing", async () => {
    const res = await call("POST", "/v2/pods", {
      image: 3,
      bogus: true,
      gpu: { id: "NVIDIA A40", count: 0 },
    });
    expect(res.status).toBe(422);
    expect(res.body?.detail).toBe("Request validation failed.");
    expect(res.body?.errors).toEqual(
      expect.arrayContaining([
        "$: must have required property 'name'",
        "$.image: must be string",
        "$.gpu.count: must be >= 1",
        "$: must NOT have unevaluated properties 'bogus'",
      ]),
    );
    expect(state.pods.size).toBe(0);
    expect(state.refusals.at(-1)?.operation).toBe("createPod");
  });

  it.each([
    ["a persistent volume under RunPod's 10 GB floor", { mounts: { persistent: { size: 5, path: "/w" } } }],
    ["a CUDA version that is not major.minor", { gpu: { id: "NVIDIA A40", allowedCudaVersions: ["12"] } }],
    ["a v1 field (containerDiskInGb)", { containerDiskInGb: 50 }],
    ["env as GraphQL's [{key,value}] list", { env: [{ key: "A", value: "1" }] }],
    ["a non-string env value", { env: { A: 1 } }],
    ["an unknown cloud", { cloud: "ALL" }],
    ["an unknown field under gpu", { gpu: { id: "NVIDIA A40", bid: 0.2 } }],
  ])("refuses %s with 422", async (_what, patch) => {
    const res = await call("POST", "/v2/pods", { ...valid, ...patch });
    expect(res.status).toBe(422);
    expect(state.pods.size).toBe(0);
  });

  it("refuses what RunPod's handler refuses with 400", async () => {
    const cases = [
      [{ ...valid, cpu: { id: "cpu5c", vcpuCount: 4 } }, "exactly one of gpu or cpu must be set"],
      [
        {
          name: "c",
          image: "i",
          cpu: { id: "cpu5c", vcpuCount: 4 },
          mounts: { persistent: { size: 10, path: "/w" } },
        },
        "mounts.persistent is not supported on CPU pods",
      ],
      [{ name: "c", image: "i", cpu: { id: "cpu5c", vcpuCount: 6 } }, "cpu.vcpuCount must be a power of two"],
      [
        { ...valid, gpu: { id: "NVIDIA A40", allowedCudaVersions: ["12.8"], minCudaVersion: "12.1" } },
        "gpu.allowedCudaVersions and gpu.minCudaVersion are mutually exclusive",
      ],
      [{ ...valid, ports: ["8000/https"] }, "ports: '8000/https' is not port/protocol (http or tcp)"],
    ] as const;
    for (const [body, detail] of cases) {
      const res = await call("POST", "/v2/pods", body);
      expect([res.status, res.body?.detail]).toEqual([400, detail]);
    }
    expect(state.pods.size).toBe(0);
  });

  it("answers malformed JSON with a 400", async () => {
    expect((await call("POST", "/v2/pods", "{not json")).status).toBe(400);
  });

  it("answers a capacity shortage with RunPod's 400 wording", async () => {
    state.noCapacity.add("NVIDIA A40");
    const res = await call("POST", "/v2/pods", valid);
    expect(res.status).toBe(400);
    expect(res.body?.detail).toBe(NO_CAPACITY_DETAIL);
  });

  it("creates a pod whose answer validates as a v2 Pod, ports and CUDA version included", async () => {
    const res = await call("POST", "/v2/pods", {
      ...valid,
      gpu: { id: "NVIDIA A40", count: 1, allowedCudaVersions: ["12.4", "12.8"] },
      ports: ["8000/http"],
      disk: 80,
      mounts: { persistent: { size: 100, path: "/workspace" } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "PROVISIONING",
      cudaVersion: "12.8",
      ports: ["8000/http"],
      disk: 80,
    });
    expect(state.schemaViolations).toEqual([]);
  });

  it("turns an answer of its own that breaks the schema into a 500 and records it", async () => {
    const res = await call("POST", "/v2/pods", valid);
    const pod = state.pods.get(String(res.body?.id));
    if (pod === undefined) throw new Error("pod was not stored");
    (pod as { cloud: string }).cloud = "MOON";
    const broken = await call("GET", `/v2/pods/${pod.id}`);
    expect(broken.status).toBe(500);
    expect(state.schemaViolations[0]).toMatchObject({ operation: "getPod", status: 200 });
    expect(state.schemaViolations[0]?.errors.join(" ")).toContain("$.cloud");
  });

  it("answers 405 with an Allow header for a method the path does not document", async () => {
    const res = await call("PUT", "/v2/pods");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });

  it("deletes a pod with 204 and then answers 404 for it", async () => {
    const { body } = await call("POST", "/v2/pods", valid);
    expect((await call("DELETE", `/v2/pods/${body?.id}`)).status).toBe(204);
    const again = await call("DELETE", `/v2/pods/${body?.id}`);
    expect([again.status, again.body?.detail]).toEqual([404, "pod not found"]);
  });

  it("streams a pod's container log as server-sent events", async () => {
    const { body } = await call("POST", "/v2/pods", valid);
    const pod = state.pods.get(String(body?.id));
    if (pod === undefined) throw new Error("pod was not stored");
    appendLog(pod, ["ow-boot: no curl, wget or python3", "bye"]);
    const res = await call("GET", `/v2/pods/${pod.id}/logs?tail=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.text).toMatch(/^id: .+\ndata: \{"ts":".+","source":"container","line":"bye"\}\n\n$/);
    expect((await call("GET", `/v2/pods/${pod.id}/logs?tail=9999`)).status).toBe(422);
  });

  it("switches failure modes through the control endpoint", async () => {
    const control = await app.request("/__control", {
      method: "POST",
      body: JSON.stringify({ spendingLimit: true, rateLimitNext: 1 }),
    });
    expect(control.status).toBe(200);
    expect((await call("GET", "/v2/pods")).status).toBe(429);
    expect((await call("POST", "/v2/pods", valid)).status).toBe(402);
  });

  it("refuses catalog filters without include=AVAILABILITY, and a bad include with 422", async () => {
    expect((await call("GET", "/v2/catalog/gpus?count=2")).status).toBe(400);
    expect((await call("GET", "/v2/catalog/gpus?include=AVAILABILITY&count=2")).status).toBe(400);
    expect((await call("GET", "/v2/catalog/gpus?include=AVAILABILITY&product=POD&count=2")).status).toBe(200);
    expect((await call("GET", "/v2/catalog/gpus?include=STOCK&product=POD")).status).toBe(422);
    expect((await call("GET", "/v2/catalog/gpus?color=red")).status).toBe(422);
  });
});

describe("fake RunPod over HTTP", () => {
  it("serves the same app on an ephemeral 127.0.0.1 port", async () => {
    const fake = await startFakeRunPod({ apiKey: API_KEY });
    try {
      const res = await fetch(`${fake.url}/v2/pods`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ pods: [] });
    } finally {
      await fake.close();
    }
  });
});
