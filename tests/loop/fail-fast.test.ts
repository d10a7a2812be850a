// Fail fast, end to end through the real scale tick and the fake RunPod: the tick writes "cannot
// run: no hardware …" for a job larger than any GPU the catalog offers, keeps it pending through
// the grace (a self-hosted worker could still claim it), and fails it as no_capacity with that
// reason on the first tick past the grace. This also holds the scaler's waiting text and the SQL
// that recognises it (internal.is_unrunnable_reason) together: change one and this fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTick } from "../../supabase/functions/scale/tick.ts";
import { asCaller, createOrg, type Org } from "../support/claims.ts";
import { type RunPodScaler, startRunPodScaler } from "../support/runpod-scaler.ts";

let scaler: RunPodScaler;

beforeAll(async () => {
  scaler = await startRunPodScaler({
    key: "rp_fail_fast_key",
    deploymentId: "fail-fast",
    config: { orphanPodGraceSeconds: 0, idleTimeoutSeconds: 60, startupGraceSeconds: 0 },
  });
});
afterAll(async () => scaler?.close());

async function submit(org: Org, vram: number, tag: string): Promise<string> {
  return asCaller(scaler.db.sql, org.admin, async (tx) => {
    const [r] =
      await tx`select (job).id from public.submit_job(p_type => 'custom', p_image => 'ow/img:1', p_entrypoint => array['true'],
      p_params => ${tx.json({ tag })}, p_requires_vram_gb => ${vram})`;
    return String(r?.id);
  });
}

describe("a job no rentable hardware can run", () => {
  it("waits with its reason through the grace, then fails as no_capacity naming it", {
    timeout: 120_000,
  }, async () => {
    const { db, deps } = scaler;
    const org = await createOrg(db.sql, "fail-fast");
    const huge = await submit(org, 1500, "too-big");
    const small = await submit(org, 10, "fits");
    const state = async (id: string) =>
      (
        await db.sql`select status, failure_kind, failure_message, waiting_reason from jobs where id = ${id}`
      )[0];

    await runTick(deps);
    expect(await state(huge)).toMatchObject({ status: "pending", failure_kind: null });
    expect(String((await state(huge))?.waiting_reason)).toMatch(/^cannot run: no hardware/);
    await runTick(deps);
    expect((await state(huge))?.status).toBe("pending");

    // Eleven minutes pass with that reason (the touch trigger would stamp now(): bypass it).
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update jobs set updated_at = now() - interval '11 minutes' where id in ${tx([huge, small])}`;
    });
    await runTick(deps);
    const failed = await state(huge);
    expect(failed).toMatchObject({ status: "failed", failure_kind: "no_capacity" });
    expect(String(failed?.failure_message)).toMatch(
      /^cannot run: no hardware the scaler may rent fits its VRAM or allowed_hardware \(failed after waiting 00:10:00/,
    );
    // A job hardware exists for is never failed by this, however long it waited.
    expect((await state(small))?.status).toBe("pending");
  });
});
