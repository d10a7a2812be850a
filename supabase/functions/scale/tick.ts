// One scaler tick: (a) reap expired leases, (b) snapshot the queue and fleet, (c) plan with the
// pure policy, (d) apply through the provider, (e) audit every action, (f) sweep staged uploads
// nobody finalized (the file store's upkeep rides on the same cron). An advisory lock keeps two
// overlapping ticks (cron + a kick) from acting twice; the loser returns at once.

import { asService } from "../_shared/db/session.ts";
import { sweepStaging } from "../_shared/files/staging-sweep.ts";
import type { HardwareCatalog } from "../_shared/hardware/index.ts";
import type { ProviderPod as PortPod, ProviderName } from "../_shared/providers/provider.ts";
import type { ProviderPod, ScalingAction, ScalingSnapshot } from "../_shared/scaling/index.ts";
import { planScaling } from "../_shared/scaling/plan.ts";
import { type AppliedAction, applyActions } from "./apply.ts";
import type { TickDeps } from "./tick-deps.ts";

export type { TickDeps } from "./tick-deps.ts";

/** pg advisory lock key: "ow-scale" as an int8. */
const TICK_LOCK_KEY = 0x6f772d7363616c65n;

export interface TickResult {
  skipped: boolean;
  tickId: string;
  reaped: number;
  actions: AppliedAction[];
  /** Staged uploads deleted by this tick's sweep. */
  stagingSwept: number;
}

export async function runTick(deps: TickDeps): Promise<TickResult> {
  const tickId = crypto.randomUUID();
  const lock = await deps.sql.reserve();
  try {
    const [got] = await lock`select pg_try_advisory_lock(${TICK_LOCK_KEY.toString()}::int8) as ok`;
    if (!got?.ok) return { skipped: true, tickId, reaped: 0, actions: [], stagingSwept: 0 };
    try {
      return await tickLocked(deps, tickId);
    } finally {
      await lock`select pg_advisory_unlock(${TICK_LOCK_KEY.toString()}::int8)`;
    }
  } finally {
    lock.release();
  }
}

async function tickLocked(deps: TickDeps, tickId: string): Promise<TickResult> {
  const now = deps.now?.() ?? Date.now();
  const reaped = await asService(deps.sql, async (tx) =>
    Number((await tx`select public.reap_expired_leases() as n`)[0]?.n ?? 0),
  );
  // Jobs no rentable hardware can run fail once past a grace (20261204023000_fail_unrunnable_jobs.sql).
  await asService(deps.sql, (tx) => tx`select public.fail_unrunnable_jobs()`);
  const base = await asService(
    deps.sql,
    async (tx) =>
      (await tx`select internal.scaling_snapshot() as s`)[0]?.s as Omit<
        ScalingSnapshot,
        "providerPods" | "listedProviders"
      >,
  );
  const { pods, listed } = await listPods(deps, base);
  const snapshot: ScalingSnapshot = { ...base, providerPods: pods, listedProviders: listed };
  const catalog: HardwareCatalog = await deps.fleet.catalog();
  const actions: ScalingAction[] = planScaling(
    snapshot,
    catalog,
    { ...deps.config, provider: deps.fleet.provider },
    now,
  );
  const applied = await applyActions(deps, snapshot, actions, tickId, now);
  return { skipped: false, tickId, reaped, actions: applied, stagingSwept: await sweep(deps, now) };
}

/** A store that refuses the sweep must not fail the tick: it is logged and tried again next tick. */
async function sweep(deps: TickDeps, now: number): Promise<number> {
  if (!deps.staging) return 0;
  const { store, maxAgeSeconds, limit } = deps.staging;
  try {
    return (await sweepStaging(store, { maxAgeSeconds, limit, now })).deleted;
  } catch (error) {
    deps.log?.(`scale: staging sweep failed: ${String(error)}`);
    return 0;
  }
}

/** Lists this deployment's pods for every organization that has workers; a failed list is left out. */
async function listPods(deps: TickDeps, base: Omit<ScalingSnapshot, "providerPods" | "listedProviders">) {
  const orgs = [...new Set(base.workers.map((w) => w.organizationId))];
  const byPod = new Map<string, ProviderPod>();
  let complete = true;
  const seen = new Set<object>();
  for (const org of orgs.length > 0 ? orgs : [null]) {
    try {
      const provider = org ? await deps.fleet.forOrganization(org) : await deps.fleet.forOrganization("");
      if (!provider || seen.has(provider)) continue;
      seen.add(provider);
      for (const pod of await provider.list()) byPod.set(pod.podId, toPolicyPod(pod));
    } catch (error) {
      complete = false;
      deps.log?.(`scale: listing pods failed: ${String(error)}`);
    }
  }
  const listed: ProviderName[] = complete ? [deps.fleet.provider] : [];
  return { pods: [...byPod.values()], listed };
}

function toPolicyPod(pod: PortPod): ProviderPod {
  const status = pod.status === "provisioning" ? "starting" : pod.status === "error" ? "exited" : pod.status;
  return {
    podId: pod.podId,
    provider: pod.provider,
    workerId: pod.workerId,
    status,
    createdAt: pod.createdAt ? Date.parse(pod.createdAt) : null,
  };
}
