import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AgentPod } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { type PodAgent, startPodAgent } from "./pod-agent.ts";
import { isRunning, readPids, WORKER_WITH_GRANDCHILD, waitFor } from "./process-probe.ts";
import { createCommandSpawner, type WorkerLaunch } from "./worker-process.ts";

const TOKEN = "agent-token-0123456789";
let dir: string;
const agents: PodAgent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ow-pod-agent-"));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function agentRunning(script: string, extra: { graceMs?: number; gpus?: number } = {}) {
  const launches: WorkerLaunch[] = [];
  const spawnCommand = createCommandSpawner({ command: [process.execPath, "-e", script], output: "ignore" });
  const agent = await startPodAgent({
    token: TOKEN,
    terminateGraceMs: extra.graceMs ?? 5_000,
    gpus: Array.from({ length: extra.gpus ?? 0 }, (_, index) => ({
      index,
      name: "NVIDIA H200",
      memoryMib: 143771,
      memoryGb: 140,
    })),
    spawnWorker: (launch) => {
      launches.push(launch);
      return spawnCommand(launch);
    },
  });
  agents.push(agent);
  return { agent, launches };
}

async function call(agent: PodAgent, method: string, path: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${agent.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

let counter = 0;
function podRequest(env: Record<string, string> = {}, gpuCount = 0) {
  counter += 1;
  return {
    name: `ow-dev-w${counter}`,
    workerId: `w${counter}`,
    deploymentId: "dev",
    image: "local",
    gpuTypeId: gpuCount > 0 ? "NVIDIA H200" : null,
    gpuCount,
    env: { PID_FILE: join(dir, `pids-${counter}.json`), ...env },
  };
}

async function createWithGrandchild(agent: PodAgent) {
  const request = podRequest();
  const created = await call(agent, "POST", "/pods", request);
  expect(created.status).toBe(201);
  const pids = await waitFor(() => readPids(request.env.PID_FILE), "worker pid file");
  return { pod: created.body as unknown as AgentPod, pids };
}

describe("pod agent with real worker processes", () => {
  it("terminating a pod kills the worker and the grandchild it started", async () => {
    const { agent } = await agentRunning(WORKER_WITH_GRANDCHILD);
    const { pod, pids } = await createWithGrandchild(agent);
    expect(pod.status).toBe("running");
    expect(isRunning(pids.grandchild)).toBe(true);
    expect((await call(agent, "DELETE", `/pods/${pod.id}`)).status).toBe(204);
    expect(isRunning(pids.worker)).toBe(false);
    await waitFor(() => !isRunning(pids.grandchild), "grandchild to die");
    expect((await call(agent, "GET", `/pods/${pod.id}`)).status).toBe(404);
  });

  it("escalates to SIGKILL when a worker ignores SIGTERM", async () => {
    const stubborn = `process.on("SIGTERM", () => {}); ${WORKER_WITH_GRANDCHILD}`;
    const { agent } = await agentRunning(stubborn, { graceMs: 300 });
    const { pod, pids } = await createWithGrandchild(agent);
    expect((await call(agent, "DELETE", `/pods/${pod.id}`)).status).toBe(204);
    expect(isRunning(pids.worker)).toBe(false);
    await waitFor(() => !isRunning(pids.grandchild), "grandchild to die");
  });

  it("reports a worker that exits by itself as exited with its code, and reaps its leftovers", async () => {
    const script = `${WORKER_WITH_GRANDCHILD}; setTimeout(() => process.exit(3), 200);`;
    const { agent } = await agentRunning(script);
    const { pod, pids } = await createWithGrandchild(agent);
    const exited = await waitFor(async () => {
      const res = await call(agent, "GET", `/pods/${pod.id}`);
      return res.body?.status === "exited" ? res.body : undefined;
    }, "pod to exit");
    expect(exited.exitCode).toBe(3);
    await waitFor(() => !isRunning(pids.grandchild), "grandchild to die");
  });

  it("close() stops every worker and leaves no processes behind", async () => {
    const { agent } = await agentRunning(WORKER_WITH_GRANDCHILD);
    const a = await createWithGrandchild(agent);
    const b = await createWithGrandchild(agent);
    await agent.close();
    agents.length = 0;
    for (const pids of [a.pids, b.pids]) {
      expect(isRunning(pids.worker)).toBe(false);
      await waitFor(() => !isRunning(pids.grandchild), "grandchild to die");
    }
  });

  it("reports a worker command that cannot start as an error pod", async () => {
    const agent = await startPodAgent({
      token: TOKEN,
      gpus: [],
      spawnWorker: createCommandSpawner({ command: [join(dir, "no-such-program")], output: "ignore" }),
    });
    agents.push(agent);
    const created = await call(agent, "POST", "/pods", podRequest());
    const id = created.body?.id as string;
    const pod = await waitFor(async () => {
      const res = await call(agent, "GET", `/pods/${id}`);
      return res.body?.status === "error" ? res.body : undefined;
    }, "spawn error");
    expect(pod.error).toContain("ENOENT");
  });

  it("gives each GPU pod its own GPUs and refuses pods that do not fit", async () => {
    const { agent, launches } = await agentRunning("setInterval(() => {}, 1000)", { gpus: 2 });
    const first = await call(agent, "POST", "/pods", podRequest({}, 1));
    const second = await call(agent, "POST", "/pods", podRequest({}, 1));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(launches.map((l) => l.env.CUDA_VISIBLE_DEVICES)).toEqual(["0", "1"]);
    const third = await call(agent, "POST", "/pods", podRequest({}, 1));
    expect(third.status).toBe(409);
    expect(third.body?.error).toMatchObject({ code: "no_capacity" });
    await call(agent, "DELETE", `/pods/${first.body?.id as string}`);
    const capacity = await call(agent, "GET", "/capacity");
    expect(capacity.body?.freeGpuIndices).toEqual([0]);
  });

  it("hides the GPUs from a CPU pod and tells the worker its pod id", async () => {
    const { agent, launches } = await agentRunning("setInterval(() => {}, 1000)", { gpus: 1 });
    const created = await call(agent, "POST", "/pods", podRequest());
    expect(launches[0]?.env.CUDA_VISIBLE_DEVICES).toBe("");
    expect(launches[0]?.env.OW_POD_ID).toBe(created.body?.id);
  });

  it("refuses requests without the agent token", async () => {
    const { agent } = await agentRunning("setInterval(() => {}, 1000)");
    const res = await call(agent, "GET", "/pods", undefined, "wrong-token-000000");
    expect(res.status).toBe(401);
    expect(res.body?.error).toMatchObject({ code: "unauthorized" });
  });

  it("refuses pod env that carries secrets, and malformed pod requests", async () => {
    const { agent } = await agentRunning("setInterval(() => {}, 1000)");
    const secret = await call(agent, "POST", "/pods", podRequest({ DATABASE_URL: "postgres://x" }));
    expect(secret.status).toBe(422);
    const malformed = await call(agent, "POST", "/pods", { name: "x" });
    expect(malformed.status).toBe(422);
    expect(agent.pods()).toEqual([]);
  });
});
