// The live smoke's logic (scripts/smoke/smoke-logic.ts) against the fake RunPod: a real local
// stack stands in for the deployed functions and the real scale tick (RunPod provider → fake) runs
// on a timer as pg_cron would. Covered: the success path (the pod runs its start command — the
// boot script finds ow-worker in the image — the worker registers under the pod's id, runs the job,
// and the smoke terminates the pod), the failure path (a pod whose worker never comes up is
// terminated and the job canceled), cleanup by tag (idempotent), and the refusal to run on a
// deployment that already has pods.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunPod, startFakeRunPod } from "../../scripts/fake-runpod/server.ts";
import { cleanupByTag, runSmoke, type SmokeDeps } from "../../scripts/smoke/smoke-logic.ts";
import { OpenWeights } from "../../sdk/src/index.ts";
import { createSecretBox } from "../../supabase/functions/_shared/auth/secret-box.ts";
import { connectDatabase } from "../../supabase/functions/_shared/db/connect.ts";
import type { Sql } from "../../supabase/functions/_shared/db/session.ts";
import { createRunPodProvider } from "../../supabase/functions/_shared/providers/runpod.ts";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/index.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";
import { createFleet } from "../../supabase/functions/scale/fleet.ts";
import { runTick, type TickDeps } from "../../supabase/functions/scale/tick.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

const KEY = "rp_smoke_key";
const DEPLOYMENT = "smoke";
let stack: TestStack;
let fake: FakeRunPod;
let sql: Sql;
let tickDeps: TickDeps;
let binDir: string;
let cron: ReturnType<typeof setInterval> | undefined;
let podsRun = true;
/** The deployment's cron; paused where a test plants pods the scaler would reap as orphans. */
let ticksOn = true;
/** The scaler tick now running, if any: teardown waits for it before closing the pool it uses. */
let tickInFlight: Promise<void> | null = null;
const running = new Map<string, ChildProcess>();

beforeAll(async () => {
  stack = await startTestStack();
  fake = await startFakeRunPod({ apiKey: KEY });
  fake.state.startupReads = 0;
  sql = connectDatabase(stack.db.url, 3);
  const env = parseScaleEnv({
    OW_PROVIDER: "runpod",
    OW_SCALE_SECRET: "s".repeat(32),
    OW_RUNPOD_API_KEY: KEY,
    OW_RUNPOD_REST_URL: `${fake.url}/v2`,
    OW_DEPLOYMENT_ID: DEPLOYMENT,
  });
  tickDeps = {
    sql,
    fleet: createFleet(env, sql, await createSecretBox(randomBytes(32).toString("base64"))),
    config: ScalingConfig.parse({ startupGraceSeconds: 0, orphanPodGraceSeconds: 0 }),
    deploymentId: DEPLOYMENT,
    workerApiUrl: stack.url,
  };
  // "Our image": ow-worker on PATH, so the boot script execs it instead of downloading.
  binDir = mkdtempSync(join(tmpdir(), "ow-smoke-bin-"));
  const bundle = new URL("../../worker/dist/ow-worker.mjs", import.meta.url).pathname;
  writeFileSync(join(binDir, "ow-worker"), `#!/bin/sh\nexec "${process.execPath}" "${bundle}" "$@"\n`, {
    mode: 0o755,
  });
  cron = setInterval(() => {
    if (tickInFlight || !ticksOn) return;
    tickInFlight = runTick(tickDeps)
      .then(startPods)
      .catch(() => undefined)
      .finally(() => {
        tickInFlight = null;
      });
  }, 500);
}, 120_000);

afterEach(async () => {
  for (const pod of [...running.keys()]) stopPod(pod);
  // Their pods are gone: end the workers now rather than waiting out the heartbeat timeout, so the
  // next test's job is not left to an idle worker that no longer exists.
  await sql`update public.workers set status = 'lost', terminated_at = now() where status in ('starting', 'active', 'shutdown')`;
});
afterAll(async () => {
  clearInterval(cron);
  // A tick still running holds the pool; `end()` would wait for it without bound (a loaded CI
  // machine hit the 60 s hook timeout, 2026-12-03). Let it finish briefly, then close regardless.
  await Promise.race([tickInFlight, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  await sql?.end({ timeout: 5 });
  await fake?.close();
  await stack?.stop();
  rmSync(binDir, { recursive: true, force: true });
}, 120_000);

/** What RunPod does for a running pod: run its start command (`args`) with its env. */
function startPods(): void {
  for (const [id, pod] of fake.state.pods) {
    if (!podsRun || running.has(id) || !pod.args) continue;
    const { entrypoint, cmd } = JSON.parse(pod.args) as { entrypoint: string[]; cmd: string[] };
    const [file, ...args] = [...entrypoint, ...cmd];
    const child = spawn(file ?? "/bin/sh", args, {
      env: {
        ...pod.env,
        // RunPod sets it in every pod (docs.runpod.io, "Pod environment variables"); the worker
        // registers under it, which is how the scaler pairs the pod with its worker.
        RUNPOD_POD_ID: id,
        PATH: `${binDir}:${process.env.PATH}`,
        HOME: binDir,
        OW_WORK_DIR: mkdtempSync(join(tmpdir(), "ow-smoke-pod-")),
      },
      stdio: "ignore",
      detached: true,
    });
    running.set(id, child);
  }
  for (const id of running.keys()) if (!fake.state.pods.has(id)) stopPod(id);
}

function stopPod(id: string): void {
  const child = running.get(id);
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  running.delete(id);
}

function smokeDeps(overrides: Partial<SmokeDeps> = {}): SmokeDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    ow: new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url }),
    runpod: createRunPodProvider({ apiKey: KEY, deploymentId: DEPLOYMENT, restBaseUrl: `${fake.url}/v2` }),
    log: (line) => lines.push(line),
    timeoutMs: 120_000,
    pollMs: 300,
    runId: randomBytes(4).toString("hex"),
    lines,
    ...overrides,
  };
}

describe("npm run smoke:runpod, against the fake RunPod", () => {
  it("passes when the pod's worker comes up and runs the job, then terminates the pod", async () => {
    podsRun = true;
    ticksOn = true;
    const deps = smokeDeps({ timeoutMs: 90_000 });
    const result = await runSmoke(deps);
    expect(result, deps.lines.join("\n")).toMatchObject({
      ok: true,
      detail: "the job ran on a RunPod pod and printed its marker",
    });
    expect(result.terminated).toHaveLength(1);
    expect((await deps.ow.jobs.retrieve(String(result.jobId))).status).toBe("completed");
    expect(await cleanupByTag(deps.runpod, deps.log)).toEqual([]);
  }, 180_000);

  it("terminates the pod and cancels the job when the worker never comes up, and says it failed", async () => {
    podsRun = false;
    const deps = smokeDeps({ timeoutMs: 6_000 });
    const result = await runSmoke(deps);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^the job was still pending after 6 s$/);
    expect(result.terminated).toHaveLength(1);
    expect((await deps.ow.jobs.retrieve(String(result.jobId))).status).toBe("canceled");
    expect(await cleanupByTag(deps.runpod, deps.log)).toEqual([]);
  }, 120_000);

  it("refuses to start on a deployment that already has pods, which --cleanup ends (idempotently)", async () => {
    podsRun = false;
    ticksOn = false;
    const deps = smokeDeps();
    const leftover = await deps.runpod.create({
      workerId: "w-leftover",
      deploymentId: DEPLOYMENT,
      name: "leftover",
      image: "python:3.12-slim",
      gpuTypeId: "NVIDIA RTX A4000",
      gpuCount: 1,
      env: {},
    });
    const refused = await runSmoke(deps);
    expect(refused).toMatchObject({ ok: false, jobId: null, terminated: [] });
    expect(refused.detail).toContain("already has 1 pod(s)");
    expect(await cleanupByTag(deps.runpod, deps.log)).toEqual([leftover.podId]);
    expect(await cleanupByTag(deps.runpod, deps.log)).toEqual([]);
  });
});
