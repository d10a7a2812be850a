import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PodAgent, startPodAgent } from "../../../../scripts/local/pod-agent.ts";
import {
  isRunning,
  readPids,
  WORKER_WITH_GRANDCHILD,
  waitFor,
} from "../../../../scripts/local/process-probe.ts";
import { createCommandSpawner } from "../../../../scripts/local/worker-process.ts";
import { createLocalProvider } from "./local.ts";
import { type PodSpec, ProviderError } from "./provider.ts";

const TOKEN = "local-agent-token-0123456789";
let agent: PodAgent;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ow-local-provider-"));
  agent = await startPodAgent({
    token: TOKEN,
    terminateGraceMs: 2_000,
    gpus: [{ index: 0, name: "NVIDIA H200", memoryMib: 143771, memoryGb: 140 }],
    spawnWorker: createCommandSpawner({
      command: [process.execPath, "-e", WORKER_WITH_GRANDCHILD],
      output: "ignore",
    }),
  });
});
afterAll(async () => {
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

const provider = (deploymentId = "dev", token = TOKEN) =>
  createLocalProvider({ agentUrl: agent.url, token, deploymentId });

let counter = 0;
function spec(overrides: Partial<PodSpec> = {}): PodSpec {
  counter += 1;
  return {
    workerId: `w${counter}`,
    deploymentId: "dev",
    name: "worker",
    image: "local",
    gpuTypeId: null,
    gpuCount: 0,
    env: { PID_FILE: join(dir, `pids-${counter}.json`) },
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

describe("local provider over the pod agent", () => {
  it("creates a running, free, tagged pod and terminates its whole process group", async () => {
    const s = spec();
    const p = provider();
    const pod = await p.create(s);
    expect(pod).toMatchObject({
      provider: "local",
      status: "running",
      costPerHour: 0,
      workerId: s.workerId,
      deploymentId: "dev",
    });
    expect(pod.name).toBe(`ow-dev-${s.workerId}`);
    const pids = await waitFor(() => readPids(s.env.PID_FILE!), "worker pid file");
    expect((await p.describe(pod.podId))?.status).toBe("running");
    await p.terminate(pod.podId);
    expect(isRunning(pids.worker)).toBe(false);
    await waitFor(() => !isRunning(pids.grandchild), "grandchild to die");
    expect(await p.describe(pod.podId)).toBeNull();
    await p.terminate(pod.podId);
  });

  it("lists only this deployment's pods", async () => {
    const dev = provider("dev");
    const other = provider("other");
    const mine = await dev.create(spec());
    const theirs = await other.create(spec({ deploymentId: "other" }));
    expect((await dev.list()).map((p) => p.podId)).toEqual([mine.podId]);
    expect((await other.list()).map((p) => p.podId)).toEqual([theirs.podId]);
    await dev.terminate(mine.podId);
    await other.terminate(theirs.podId);
  });

  it("seats a GPU pod on a free GPU and answers no_capacity when none is left", async () => {
    const p = provider();
    const gpuPod = await p.create(spec({ gpuTypeId: "NVIDIA H200", gpuCount: 1 }));
    expect(gpuPod.gpuCount).toBe(1);
    const error = await rejection(p.create(spec({ gpuTypeId: "NVIDIA H200", gpuCount: 1 })));
    expect(error.kind).toBe("no_capacity");
    expect(error.status).toBe(409);
    await p.terminate(gpuPod.podId);
  });

  it("answers auth for a wrong agent token", async () => {
    const error = await rejection(provider("dev", "wrong-token-0123456789").list());
    expect(error.kind).toBe("auth");
  });

  it("refuses secrets and the agent token in pod env before calling the agent", async () => {
    const p = provider();
    const envs: Record<string, string>[] = [
      { SUPABASE_SERVICE_ROLE_KEY: "x" },
      { RUNPOD_API_KEY: "x" },
      { INNOCENT: TOKEN },
    ];
    for (const env of envs) {
      const error = await rejection(p.create(spec({ env })));
      expect(error.kind).toBe("bad_request");
    }
    expect(agent.pods()).toEqual([]);
  });

  it("answers transient when the agent is unreachable", async () => {
    const gone = createLocalProvider({ agentUrl: "http://127.0.0.1:9", token: TOKEN, deploymentId: "dev" });
    expect((await rejection(gone.list())).kind).toBe("transient");
  });
});
