import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLog } from "../../scripts/fake-runpod/app.ts";
import type { FakeRunPod } from "../../scripts/fake-runpod/server.ts";
import { KEPT_LINES } from "../../supabase/functions/scale/boot-log.ts";
import { runTick, type TickDeps } from "../../supabase/functions/scale/tick.ts";
import { asCaller, createOrg } from "../support/claims.ts";
import type { TestDatabase } from "../support/database.ts";
import { type RunPodScaler, startRunPodScaler } from "../support/runpod-scaler.ts";

let db: TestDatabase;
let fake: FakeRunPod;
let deps: TickDeps;

let scaler: RunPodScaler;

beforeAll(async () => {
  scaler = await startRunPodScaler({
    key: "rp_boot_log_key",
    deploymentId: "bootlog",
    config: { orphanPodGraceSeconds: 0, startupGraceSeconds: 0, startupTimeoutSeconds: 600 },
  });
  ({ db, fake, deps } = scaler);
});
afterAll(async () => scaler?.close());

describe("a pod that never registers", () => {
  it("leaves its container output in the worker log when the scaler gives up on it", async () => {
    const org = await createOrg(db.sql, "boot-log");
    await asCaller(
      db.sql,
      org.admin,
      (tx) =>
        tx`select public.submit_job(p_type => 'custom', p_image => 'busybox:1', p_entrypoint => array['true'], p_requires_vram_gb => 16)`,
    );
    const created = (await runTick(deps)).actions.find((a) => a.kind === "create_worker");
    expect(created?.outcome).toBe("applied");
    const pod = fake.state.pods.get(String(created?.podId));
    if (!pod) throw new Error("no pod was created");
    const noFetcher =
      "ow-boot: image busybox:1 has no curl, wget or python3 to download the worker: add one of them, or use an image with ow-worker";
    appendLog(pod, [...Array.from({ length: KEPT_LINES + 5 }, (_, i) => `noise ${i}`), noFetcher]);

    const later = { ...deps, now: () => Date.now() + 3600_000 };
    const tick = await runTick(later);
    expect(tick.actions.find((a) => a.kind === "mark_lost")).toMatchObject({
      workerId: created?.workerId,
      outcome: "applied",
    });
    expect(fake.state.deleted).toContain(pod.id);
    const rows =
      await db.sql`select source, line from public.worker_logs where worker_id = ${String(created?.workerId)} order by id`;
    expect(rows[0]).toEqual({
      source: "provider",
      line: `scaler: gave up on pod ${pod.id} (startup_timeout); its last ${KEPT_LINES} lines of container output follow`,
    });
    expect(rows).toHaveLength(KEPT_LINES + 1);
    expect(rows.at(-1)).toEqual({ source: "provider", line: noFetcher });
    expect([fake.state.refusals, fake.state.schemaViolations]).toEqual([[], []]);
  });
});
