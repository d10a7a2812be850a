import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunPod, startFakeRunPod } from "../../../../scripts/fake-runpod/server.ts";
import type { PodSpec, Provider } from "./provider.ts";
import { ProviderError } from "./provider.ts";
import { createRunPodProvider, fetchRunPodGpuCatalog } from "./runpod.ts";

const API_KEY = "rpa_test_key_0123456789";
let fake: FakeRunPod;

beforeAll(async () => {
  fake = await startFakeRunPod({ apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  // Nothing the provider sent may break RunPod's published schema, and nothing the fake answered.
  expect(fake.state.schemaViolations).toEqual([]);
  fake.state.pods.clear();
  fake.state.noCapacity.clear();
  fake.state.spendingLimit = false;
  fake.state.rateLimitNext = 0;
  fake.state.retryAfterSeconds = 7;
  fake.state.failNext = 0;
});

function provider(deploymentId = "prod", apiKey = API_KEY): Provider {
  return createRunPodProvider({ apiKey, deploymentId, restBaseUrl: `${fake.url}/v2` });
}

function spec(overrides: Partial<PodSpec> = {}): PodSpec {
  return {
    workerId: "w1",
    deploymentId: "prod",
    name: "worker w1",
    image: "ghcr.io/openweights/worker:1",
    gpuTypeId: "NVIDIA H100 80GB HBM3",
    gpuCount: 1,
    env: { OW_API_URL: "https://example.test/functions/v1/worker-api", OW_WORKER_TOKEN: "ow_worker_x" },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("runpod provider against the fake", () => {
  it("creates a tagged pod that starts provisioning and reports its hourly cost", async () => {
    const pod = await provider().create(spec({ gpuCount: 2 }));
    expect(pod).toMatchObject({
      provider: "runpod",
      name: "ow-prod-w1",
      workerId: "w1",
      deploymentId: "prod",
      status: "provisioning",
      gpuTypeId: "NVIDIA H100 80GB HBM3",
      gpuCount: 2,
      costPerHour: 5.38,
    });
    const stored = fake.state.pods.get(pod.podId);
    expect(stored?.env).toMatchObject({
      OW_WORKER_ID: "w1",
      OW_DEPLOYMENT_ID: "prod",
      OW_WORKER_TOKEN: "ow_worker_x",
    });
  });

  it("sends the complete pod spec, which RunPod's published schema accepts", async () => {
    const pod = await provider().create(
      spec({
        image: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime",
        containerDiskGb: 80,
        volumeGb: 250,
        volumeMountPath: "/workspace",
        ports: ["8000/http"],
        minCudaVersion: "12.4",
        startCommand: '{"entrypoint":["/bin/sh","-c"],"cmd":["exec ow-worker"]}',
        cloud: "COMMUNITY",
      }),
    );
    expect(fake.state.refusals).toEqual([]);
    expect(fake.state.pods.get(pod.podId)).toMatchObject({
      disk: 80,
      ports: ["8000/http"],
      mounts: { persistent: { size: 250, path: "/workspace" } },
      args: '{"entrypoint":["/bin/sh","-c"],"cmd":["exec ow-worker"]}',
      cloud: "COMMUNITY",
      cudaVersion: "12.4",
    });
  });

  it("is refused by the fake as RunPod would refuse it when a spec breaks the schema", async () => {
    const error = await rejection(provider().create(spec({ volumeGb: 5 })));
    expect(error.kind).toBe("bad_request");
    expect(fake.state.refusals.at(-1)?.errors).toEqual(["$.mounts.persistent.size: must be >= 10"]);
    fake.state.refusals.length = 0;
  });

  it("describes a pod until it is running", async () => {
    const p = provider();
    const { podId } = await p.create(spec());
    const seen: string[] = [];
    for (let i = 0; i < 5 && seen.at(-1) !== "running"; i++)
      seen.push((await p.describe(podId))?.status ?? "missing");
    expect(seen.at(-1)).toBe("running");
  });

  it("describes an unknown pod as null", async () => {
    expect(await provider().describe("doesnotexist00")).toBeNull();
  });

  it("maps exited and error pods to their statuses", async () => {
    const p = provider();
    const a = await p.create(spec({ workerId: "a" }));
    const b = await p.create(spec({ workerId: "b" }));
    fake.state.pods.get(a.podId)!.status = "EXITED";
    fake.state.pods.get(b.podId)!.status = "ERROR";
    expect((await p.describe(a.podId))?.status).toBe("exited");
    expect((await p.describe(a.podId))?.costPerHour).toBe(0);
    expect((await p.describe(b.podId))?.status).toBe("error");
  });

  it("lists only this deployment's pods, ignoring foreign pods on the same account", async () => {
    const prod = provider("prod");
    const mine = await prod.create(spec({ workerId: "mine" }));
    await provider("prod-eu").create(spec({ workerId: "x", deploymentId: "prod-eu" }));
    await provider("staging").create(spec({ workerId: "y", deploymentId: "staging" }));
    // Someone's dev pod, created by hand in the console: no tags at all.
    await fetch(`${fake.url}/v2/pods`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "alice-notebook", image: "runpod/pytorch", gpu: { id: "NVIDIA A40" } }),
    });
    const listed = await prod.list();
    expect(listed.map((p) => p.podId)).toEqual([mine.podId]);
    expect(listed[0]?.workerId).toBe("mine");
  });

  it("creates CPU pods with a CPU flavor when no GPU type is given", async () => {
    const pod = await provider().create(spec({ gpuTypeId: null, gpuCount: 0, volumeGb: 20 }));
    expect(pod.gpuTypeId).toBeNull();
    expect(pod.gpuCount).toBe(0);
    expect(fake.state.pods.get(pod.podId)?.cpu?.id).toBe("cpu5c");
  });

  it("terminates a pod and treats terminating it again as done", async () => {
    const p = provider();
    const { podId } = await p.create(spec());
    await p.terminate(podId);
    await p.terminate(podId);
    expect(fake.state.deleted).toContain(podId);
    expect(await p.describe(podId)).toBeNull();
  });
});

describe("runpod provider error classes", () => {
  it("classifies a capacity 400 as no_capacity", async () => {
    fake.state.noCapacity.add("NVIDIA H100 80GB HBM3");
    const error = await rejection(provider().create(spec()));
    expect(error.kind).toBe("no_capacity");
    expect(error.status).toBe(400);
    expect(fake.state.pods.size).toBe(0);
  });

  it("still creates other GPU types while one is out of capacity", async () => {
    fake.state.noCapacity.add("NVIDIA H100 80GB HBM3");
    const pod = await provider().create(spec({ gpuTypeId: "NVIDIA A100 80GB PCIe" }));
    expect(pod.gpuTypeId).toBe("NVIDIA A100 80GB PCIe");
  });

  it("classifies a 402 insufficient balance as spending_limit", async () => {
    fake.state.spendingLimit = true;
    const error = await rejection(provider().create(spec()));
    expect(error.kind).toBe("spending_limit");
    expect(error.status).toBe(402);
  });

  it("classifies a wrong key as auth without leaking the key into the message", async () => {
    const error = await rejection(provider("prod", "rpa_wrong_key").list());
    expect(error.kind).toBe("auth");
    expect(error.status).toBe(401);
    expect(error.message).not.toContain("rpa_wrong_key");
  });

  it("classifies a 429 as rate_limited with Retry-After in milliseconds", async () => {
    fake.state.rateLimitNext = 1;
    const error = await rejection(provider().list());
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
  });

  it("falls back to the RateLimit header's reset when a 429 has no Retry-After", async () => {
    fake.state.rateLimitNext = 1;
    fake.state.retryAfterSeconds = null;
    const error = await rejection(provider().describe("abc"));
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBe(12_000);
  });

  it("classifies a 5xx as transient", async () => {
    fake.state.failNext = 1;
    const error = await rejection(provider().terminate("abc"));
    expect(error.kind).toBe("transient");
    expect(error.status).toBe(503);
  });

  it("classifies an unreachable API as transient", async () => {
    const closed = await startFakeRunPod({ apiKey: API_KEY });
    await closed.close();
    const p = createRunPodProvider({
      apiKey: API_KEY,
      deploymentId: "prod",
      restBaseUrl: `${closed.url}/v2`,
    });
    const error = await rejection(p.list());
    expect(error.kind).toBe("transient");
    expect(error.status).toBeNull();
  });

  it("classifies a request RunPod rejects as invalid as bad_request", async () => {
    const error = await rejection(provider().create(spec({ gpuTypeId: "NVIDIA Imaginary 9000" })));
    expect(error.kind).toBe("bad_request");
    const small = await rejection(provider().create(spec({ volumeGb: 5 })));
    expect(small.kind).toBe("bad_request");
    expect(small.status).toBe(422);
  });
});

describe("runpod provider refuses secrets in pod env", () => {
  for (const key of [
    "RUNPOD_API_KEY",
    "DATABASE_URL",
    "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_DB_URL",
    "MY_DATABASE_URL",
  ]) {
    it(`refuses to create a pod whose env holds ${key}`, async () => {
      const error = await rejection(provider().create(spec({ env: { [key]: "secret" } })));
      expect(error.kind).toBe("bad_request");
      expect(error.message).toContain(key);
      expect(fake.state.pods.size).toBe(0);
    });
  }

  it("refuses the provider's own key under an innocent name", async () => {
    const error = await rejection(provider().create(spec({ env: { HELPER_TOKEN: `x${API_KEY}` } })));
    expect(error.message).toContain("HELPER_TOKEN");
    expect(error.message).not.toContain(API_KEY);
    expect(fake.state.pods.size).toBe(0);
  });

  it("refuses a spec for another deployment", async () => {
    const error = await rejection(provider("prod").create(spec({ deploymentId: "staging" })));
    expect(error.kind).toBe("bad_request");
  });
});

describe("runpod GPU catalog", () => {
  it("returns GPU types with id, name, VRAM and per-GPU prices", async () => {
    const gpus = await fetchRunPodGpuCatalog({ apiKey: API_KEY, restBaseUrl: `${fake.url}/v2` });
    const h100 = gpus.find((g) => g.id === "NVIDIA H100 80GB HBM3");
    expect(h100).toMatchObject({ name: "H100 SXM", memory: 80, price: { secure: 2.69, community: 2.39 } });
  });

  it("reports availability when asked", async () => {
    fake.state.noCapacity.add("NVIDIA H200");
    const gpus = await fetchRunPodGpuCatalog({
      apiKey: API_KEY,
      restBaseUrl: `${fake.url}/v2`,
      availability: { cloud: "SECURE", count: 2 },
    });
    expect(gpus.find((g) => g.id === "NVIDIA H200")?.availability).toBe("NONE");
    expect(gpus.find((g) => g.id === "NVIDIA A40")?.availability).toBe("HIGH");
  });
});
