// A pod whose worker never registers (here: an image with no tool to fetch the worker with) leaves
// its boot log behind: when the scaler gives up on it, it copies the pod's container output from
// RunPod (the fake, held to RunPod's schema) into the worker's log before terminating the pod.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendLog } from "../../scripts/fake-runpod/app.ts";
import { type FakeRunPod, startFakeRunPod } from "../../scripts/fake-runpod/server.ts";
import { createSecretBox } from "../../supabase/functions/_shared/auth/secret-box.ts";
import { connectDatabase } from "../../supabase/functions/_shared/db/connect.ts";
import type { Sql } from "../../supabase/functions/_shared/db/session.ts";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/index.ts";
import { KEPT_LINES } from "../../supabase/functions/scale/boot-log.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";
import { createFleet } from "../../supabase/functions/scale/fleet.ts";
import { runTick, type TickDeps } from "../../supabase/functions/scale/tick.ts";
import { asCaller, createOrg } from "../support/claims.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const KEY = "rp_boot_log_key";
let db: TestDatabase;
let sql: Sql;
let fake: FakeRunPod;
let deps: TickDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = connectDatabase(db.url, 4);
  fake = await startFakeRunPod({ apiKey: KEY });
  fake.state.startupReads = 0;
  const env = parseScaleEnv({
    OW_PROVIDER: "runpod",
    OW_SCALE_SECRET: "s".repeat(32),
    OW_RUNPOD_API_KEY: KEY,
    OW_RUNPOD_REST_URL: `${fake.url}/v2`,
    OW_DEPLOYMENT_ID: "bootlog",
  });
  deps = {
    sql,
    fleet: createFleet(env, sql, await createSecretBox(randomBytes(32).toString("base64"))),
    config: ScalingConfig.parse({
      orphanPodGraceSeconds: 0,
      startupGraceSeconds: 0,
      startupTimeoutSeconds: 600,
    }),
    deploymentId: "bootlog",
    workerApiUrl: "http://127.0.0.1:1/functions/v1",
    workerRelease: { url: "http://127.0.0.1:1/ow-worker", sha256: "b".repeat(64) },
  };
});
afterAll(async () => {
  await sql.end();
  await fake.close();
  await db.drop();
});

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
