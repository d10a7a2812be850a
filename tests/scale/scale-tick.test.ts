import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeRunPod } from "../../scripts/fake-runpod/server.ts";
import { createLocalDiskStore } from "../../supabase/functions/_runtime/local-disk-store.ts";
import { stagingKey, UPLOAD_TICKET_SECONDS } from "../../supabase/functions/_shared/files/file-store.ts";
import { defaultCatalog } from "../../supabase/functions/_shared/hardware/index.ts";
import { jobCostModel, rankByJobCost } from "../../supabase/functions/_shared/scaling/job-cost.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";
import { runTick, type TickDeps } from "../../supabase/functions/scale/tick.ts";
import { asCaller, createOrg, type Org } from "../support/claims.ts";
import type { TestDatabase } from "../support/database.ts";
import { type RunPodScaler, startRunPodScaler } from "../support/runpod-scaler.ts";

let db: TestDatabase;
let fake: FakeRunPod;
let deps: TickDeps;

let scaler: RunPodScaler;

beforeAll(async () => {
  scaler = await startRunPodScaler({
    key: "rp_test_key",
    deploymentId: "test",
    config: { orphanPodGraceSeconds: 0, idleTimeoutSeconds: 60, startupGraceSeconds: 0 },
  });
  ({ db, fake, deps } = scaler);
});
afterAll(async () => scaler?.close());

async function submit(org: Org, vram: number, tag: string) {
  return asCaller(db.sql, org.admin, async (tx) => {
    const [r] =
      await tx`select (job).id from public.submit_job(p_type => 'custom', p_image => 'ow/img:1', p_entrypoint => array['true'],
      p_params => ${tx.json({ tag })}, p_requires_vram_gb => ${vram})`;
    return String(r?.id);
  });
}

describe("a scale tick against the fake RunPod", () => {
  it("rents the GPU with the lowest expected cost for a pending job, with a worker token and no org credentials in the pod", async () => {
    const org = await createOrg(db.sql, "scale-create");
    await submit(org, 70, "big");
    const result = await runTick(deps);
    const created = result.actions.filter((a) => a.kind === "create_worker");
    expect(created).toHaveLength(1);
    expect(created[0]?.error ?? "").toBe("");
    expect(created[0]?.outcome).toBe("applied");
    const [worker] = await db.sql`select * from workers where id = ${created[0]!.workerId}`;
    expect(worker).toMatchObject({ status: "starting", pod_id: created[0]!.podId, organization_id: org.id });
    expect(Number(worker!.vram_gb)).toBeGreaterThanOrEqual(70);
    const pod = fake.state.pods.get(String(created[0]!.podId))!;
    expect(pod.env.OW_WORKER_ID).toBe(worker!.id);
    expect(pod.env.OPENWEIGHTS_WORKER_TOKEN).toMatch(/^ow_/);
    expect(Object.keys(pod.env).some((k) => /RUNPOD_API_KEY|DATABASE_URL|SERVICE_ROLE/.test(k))).toBe(false);
    // The complete pod spec, accepted by RunPod's published schema: serving port, storage for a
    // custom job, the boot script as start command, and the worker download in the env.
    expect(pod).toMatchObject({
      ports: ["8000/http"],
      disk: 50,
      mounts: { persistent: { size: 20, path: "/workspace" } },
    });
    expect(JSON.parse(pod.args)).toMatchObject({ entrypoint: ["/bin/sh", "-c"] });
    expect(pod.env).toMatchObject({
      OW_WORKER_URL: "http://127.0.0.1:1/ow-worker",
      OW_WORKER_SHA256: "a".repeat(64),
    });
    expect([fake.state.refusals, fake.state.schemaViolations]).toEqual([[], []]);
    const [token] = await db.sql`select role, revoked_at from api_tokens where worker_id = ${worker!.id}`;
    expect(token).toMatchObject({ role: "worker", revoked_at: null });
    const audit = await db.sql`select kind, outcome from scaling_actions where tick_id = ${result.tickId}`;
    expect(audit.map((a) => a.kind)).toContain("create_worker");
    // The same pending job does not rent a second pod on the next tick.
    const again = await runTick(deps);
    expect(
      again.actions.filter((a) => a.kind === "create_worker" && a.organizationId === org.id),
    ).toHaveLength(0);
  });

  it("terminates pods of this deployment that no worker row owns, and leaves foreign pods alone", async () => {
    const orphanId = "orphanpod00001";
    const foreignId = "foreignpod0001";
    const base = {
      image: "x",
      args: "",
      disk: 20,
      ports: [],
      registry: null,
      status: "RUNNING" as const,
      mounts: {},
      cloud: "SECURE" as const,
      dataCenterId: null,
      cudaVersion: "12.8",
      logLines: [],
      createdAt: new Date(Date.now() - 3600_000).toISOString(),
      startedAt: null,
      reads: 5,
      hourlyPrice: 1,
    };
    fake.state.pods.set(orphanId, {
      ...base,
      id: orphanId,
      name: "ow-test-w-ghost",
      env: { OW_WORKER_ID: "w-ghost", OW_DEPLOYMENT_ID: "test" },
      gpu: { id: "NVIDIA A40", count: 1 },
    });
    fake.state.pods.set(foreignId, {
      ...base,
      id: foreignId,
      name: "someone-else",
      env: {},
      gpu: { id: "NVIDIA A40", count: 1 },
    });
    const result = await runTick(deps);
    expect(result.actions.filter((a) => a.kind === "terminate_pod").map((a) => a.podId)).toContain(orphanId);
    expect(fake.state.deleted).toContain(orphanId);
    expect(fake.state.deleted).not.toContain(foreignId);
  });

  it("puts a GPU without capacity on the cooldown ladder and falls back to the next choice", async () => {
    const org = await createOrg(db.sql, "scale-capacity");
    await submit(org, 20, "small");
    const first = firstChoiceFor20Gb();
    fake.state.noCapacity.add(first);
    const result = await runTick(deps);
    const created = result.actions.find((a) => a.kind === "create_worker" && a.organizationId === org.id);
    expect(created?.outcome).toBe("applied");
    const [cooldown] =
      await db.sql`select gpu, level, until from hardware_cooldowns where organization_id = ${org.id}`;
    expect(cooldown?.until).not.toBeNull();
    const pod = fake.state.pods.get(String(created!.podId));
    expect(pod?.gpu?.id).not.toBe(first);
    fake.state.noCapacity.clear();
  });

  it("tells an idle worker to shut down once no job needs it", async () => {
    const org = await createOrg(db.sql, "scale-idle");
    await db.sql`insert into workers (id, organization_id, status, provider, image, vram_gb, last_heartbeat_at, last_active_at, created_at)
      values ('w-idle', ${org.id}, 'active', 'runpod', 'ow/img:1', 80, now(), now() - interval '1 hour', now() - interval '2 hours')`;
    const result = await runTick(deps);
    expect(result.actions.find((a) => a.workerId === "w-idle")?.kind).toBe("shutdown_worker");
    const [w] = await db.sql`select status, shutdown_requested from workers where id = 'w-idle'`;
    expect(w).toMatchObject({ status: "shutdown", shutdown_requested: true });
  });

  it("plans with RunPod's live catalog prices: a GPU that became expensive is passed over", async () => {
    const org = await createOrg(db.sql, "scale-live-prices");
    await submit(org, 20, "live-prices");
    const usual = firstChoiceFor20Gb();
    const gpu = fake.state.gpuTypes.find((g) => g.id === usual)!;
    const before = { secure: gpu.securePrice, community: gpu.communityPrice };
    gpu.securePrice = 99;
    gpu.communityPrice = 99;
    try {
      // A fresh fleet: the catalog is cached per function instance for an hour.
      const fleet = await scaler.freshFleet();
      const result = await runTick({ ...deps, fleet });
      const created = result.actions.find((a) => a.kind === "create_worker" && a.organizationId === org.id);
      expect(created?.outcome).toBe("applied");
      expect(fake.state.pods.get(String(created!.podId))?.gpu?.id).not.toBe(usual);
    } finally {
      gpu.securePrice = before.secure;
      gpu.communityPrice = before.community;
    }
  });

  it("tells the owner why a job waits: no hardware fits, or a worker is starting for it", async () => {
    const org = await createOrg(db.sql, "scale-waiting");
    const huge = await submit(org, 1500, "too-big");
    const small = await submit(org, 10, "fits");
    await runTick(deps);
    const rows = await db.sql`select id, waiting_reason from jobs where id in ${db.sql([huge, small])}`;
    const reason = (id: string) => String(rows.find((r) => r.id === id)?.waiting_reason);
    expect(reason(huge)).toMatch(/^cannot run: no hardware/);
    // The explained choice: a training job goes to the card with the lowest expected cost per job,
    // which is not the cheapest per hour, and the text says both.
    expect(reason(small)).toMatch(
      /^starting: a worker \(1x 6000Ada\) is being started for it — lowest expected cost for this job: 1x 6000Ada at \$0\.77\/h, ≈\$\d+\.\d\d \(≈\d+ min incl\. boot\); cheapest per hour 1x A4500 at \$0\.32\/h/,
    );
  });

  it("learns arrival gaps per organization × image and persists them for the next tick", async () => {
    const org = await createOrg(db.sql, "scale-keep-warm");
    await submit(org, 10, "kw-1");
    await submit(org, 10, "kw-2");
    await runTick(deps);
    const [row] =
      await db.sql`select gaps_seconds, last_arrival_at from keep_warm_state where organization_id = ${org.id} and image = 'ow/img:1'`;
    expect(row?.gaps_seconds).toHaveLength(1);
    const [latest] = await db.sql`select max(created_at) as at from jobs where organization_id = ${org.id}`;
    expect(new Date(row!.last_arrival_at).getTime()).toBe(new Date(latest!.at).getTime());
    // The next tick hands out only newer arrivals: nothing new, nothing rewritten.
    await runTick(deps);
    const [again] = await db.sql`select gaps_seconds from keep_warm_state where organization_id = ${org.id}`;
    expect(again?.gaps_seconds).toHaveLength(1);
  });

  it("sweeps staged uploads nobody finalized, and a store that refuses does not fail the tick", async () => {
    const root = mkdtempSync(join(tmpdir(), "ow-tick-sweep-"));
    const store = createLocalDiskStore({ root, signUrl: async () => "http://127.0.0.1:1/unused" });
    const [old, fresh] = [stagingKey("org", "old"), stagingKey("org", "fresh")];
    for (const key of [old, fresh]) await store.put(key, new Blob(["x"]).stream());
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    utimesSync(join(root, old), dayAgo, dayAgo);
    const staging = { store, maxAgeSeconds: 24 * 3600, limit: 10 };
    expect((await runTick({ ...deps, staging })).stagingSwept).toBe(1);
    expect([await store.stat(old), await store.stat(fresh)]).toEqual([null, { bytes: 1 }]);

    const lines: string[] = [];
    const refusing = { ...store, list: () => Promise.reject(new Error("storage said no")) };
    const tick = await runTick({
      ...deps,
      staging: { ...staging, store: refusing },
      log: (l) => lines.push(l),
    });
    expect([tick.skipped, tick.stagingSwept]).toEqual([false, 0]);
    expect(lines.join("\n")).toMatch(/staging sweep failed: Error: storage said no/);
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses a staging age bound an upload ticket could outlive", () => {
    const base = { OW_SCALE_SECRET: "s".repeat(32), OW_RUNPOD_API_KEY: "k" };
    expect(parseScaleEnv(base)).toMatchObject({
      OW_STAGING_MAX_AGE_SECONDS: 86400,
      OW_STAGING_SWEEP_LIMIT: 100,
    });
    expect(() =>
      parseScaleEnv({ ...base, OW_STAGING_MAX_AGE_SECONDS: String(UPLOAD_TICKET_SECONDS) }),
    ).toThrow(/OW_STAGING_MAX_AGE_SECONDS: at least 10800/);
    expect(() => parseScaleEnv({ ...base, OW_STAGING_SWEEP_LIMIT: "0" })).toThrow(/OW_STAGING_SWEEP_LIMIT/);
  });

  it("does not act twice when two ticks overlap", async () => {
    const [a, b] = await Promise.all([runTick(deps), runTick(deps)]);
    expect([a.skipped, b.skipped].filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});

/** The GPU the policy picks first for a 20 GB job: the lowest expected cost per (training) job. */
function firstChoiceFor20Gb(): string {
  const ranked = rankByJobCost(
    defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 20),
    {
      requiresVramGb: 20,
      workload: "training",
      referenceSeconds: deps.config.expectedJobSeconds,
      timeoutSeconds: 86400,
    },
    jobCostModel(deps.config, defaultCatalog),
  );
  return ranked[0]!.config.runpodGpuTypeId;
}
