// planScaling: the whole policy, pure and deterministic. Given the same snapshot, catalog,
// config and time it returns the same actions in the same order; it reads no clock, no
// randomness and no I/O. Steps, each in its own module:
//   1. fleet health: silent / never-started / stuck / pod-less workers are lost   (fleet.ts)
//   2. reconciliation: provider pods no live worker row claims are terminated     (fleet.ts)
//   3. budgets: each org's worker count and hourly burn; a spent daily budget stops its workers
//   4. idle capacity absorbs pending jobs first                                   (absorb.ts)
//   5. idle workers no job needs are shut down: past grace and idle timeout, or at once when
//      their org is at its worker cap and waiting jobs need the slot                (shutdowns.ts)
//   6. one new worker per remaining job, cheapest fit, within every cap           (create.ts)
//   7. diagnostics: `deferred` / `unschedulable` per (org, image, reason)
// Before all of these: the arrivals since the last tick are folded into the learned keep-warm
// state (keep-warm.ts), whose `update_keep_warm` actions come first.
import type { HardwareCatalog } from "../hardware/catalog.ts";
import { absorbPendingJobs } from "./absorb.ts";
import type { ScalingConfig } from "./config.ts";
import { CooldownIndex } from "./cooldown.ts";
import { planCreates } from "./create.ts";
import { findLostWorkers, findOrphanPods, isLive } from "./fleet-health.ts";
import { jobCostModel } from "./job-cost.ts";
import { foldArrivals, type KeepWarmState, keepWarmKey, type UpdateKeepWarmAction } from "./keep-warm.ts";
import { defaultLimits, OrgLedger } from "./ledger.ts";
import { ConstraintCache } from "./placement.ts";
import { planIdleShutdowns, stopOverBudget } from "./shutdowns.ts";
import { queueBeyondSlots, type SlotLoad, slotLoadNearCap } from "./slot-pressure.ts";
import type {
  DeferredAction,
  EpochMs,
  PendingJob,
  ScalingAction,
  ScalingSnapshot,
  UnschedulableAction,
  WorkerState,
} from "./types.ts";

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildLedgers(
  snapshot: ScalingSnapshot,
  staying: readonly WorkerState[],
  config: ScalingConfig,
): Map<string, OrgLedger> {
  const ledgers = new Map<string, OrgLedger>();
  for (const limits of snapshot.limits) ledgers.set(limits.organizationId, new OrgLedger(limits, config));
  const ensure = (org: string) => {
    let ledger = ledgers.get(org);
    if (!ledger) {
      ledger = new OrgLedger(defaultLimits(org, config), config);
      ledgers.set(org, ledger);
    }
    return ledger;
  };
  for (const job of snapshot.pendingJobs) ensure(job.organizationId);
  for (const worker of staying) {
    const ledger = ensure(worker.organizationId);
    ledger.burnPerHour += worker.costPerHour;
    if (worker.status !== "shutdown") ledger.workers += 1;
  }
  return ledgers;
}

interface JobGroup<R extends string> {
  readonly organizationId: string;
  readonly image: string;
  readonly reason: R;
  readonly jobIds: string[];
}

/** Diagnostics grouped per (org, image, reason), in key order. */
function groupByReason<R extends string>(
  entries: ReadonlyArray<{ job: PendingJob; reason: R }>,
): JobGroup<R>[] {
  const groups = new Map<string, JobGroup<R>>();
  for (const { job, reason } of entries) {
    const key = `${job.organizationId}\u0000${job.image}\u0000${reason}`;
    const group = groups.get(key) ?? {
      organizationId: job.organizationId,
      image: job.image,
      reason,
      jobIds: [],
    };
    group.jobIds.push(job.id);
    groups.set(key, group);
  }
  return [...groups.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, group]) => group);
}

/** Keep-warm states with this tick's arrivals folded in, and the rows to write back. */
function learnKeepWarm(
  snapshot: ScalingSnapshot,
  config: ScalingConfig,
): { states: Map<string, KeepWarmState>; updates: UpdateKeepWarmAction[] } {
  const states = new Map<string, KeepWarmState>();
  for (const state of snapshot.keepWarm ?? [])
    states.set(keepWarmKey(state.organizationId, state.image), state);
  const updates: UpdateKeepWarmAction[] = [];
  const arrivals = (snapshot.arrivals ?? [])
    .map((group) => ({ group, key: keepWarmKey(group.organizationId, group.image) }))
    .sort((a, b) => compareIds(a.key, b.key));
  for (const { group, key } of arrivals) {
    const before = states.get(key);
    const after = foldArrivals(before, group, config);
    if (after.lastArrivalAt === (before?.lastArrivalAt ?? null)) continue;
    states.set(key, after);
    updates.push({ kind: "update_keep_warm", ...after });
  }
  return { states, updates };
}

/** Plans one scaler tick. `now` is a Date or epoch milliseconds. */
export function planScaling(
  snapshot: ScalingSnapshot,
  catalog: HardwareCatalog,
  config: ScalingConfig,
  now: Date | EpochMs,
): ScalingAction[] {
  const at = typeof now === "number" ? now : now.getTime();
  const lost = findLostWorkers(snapshot, catalog, config, at);
  const orphans = findOrphanPods(snapshot, lost, config, at);
  const lostIds = new Set(lost.map((action) => action.workerId));
  const staying = snapshot.workers
    .filter((w) => isLive(w) && !lostIds.has(w.id))
    .sort((a, b) => compareIds(a.id, b.id));
  const ledgers = buildLedgers(snapshot, staying, config);
  const shutdowns = stopOverBudget(staying, ledgers);
  const stopped = new Set(shutdowns.map((action) => action.workerId));

  const costModel = jobCostModel(config, catalog);
  const queuedPerSlot = new Map<string, number>();
  let slotLoad = new Map<string, SlotLoad>();
  const constraints = new ConstraintCache(catalog, {
    maxAutoGpuCount: config.maxAutoGpuCount,
    costModel,
    referenceSeconds: () => config.expectedJobSeconds,
    queuedPerSlot: (job) => queuedPerSlot.get(job.organizationId) ?? 0,
    slotLoad: (job) => slotLoad.get(job.organizationId),
  });
  const idle = staying.filter((w) => w.status !== "shutdown" && w.runningJobs === 0 && !stopped.has(w.id));
  const absorption = absorbPendingJobs(snapshot.pendingJobs, idle, constraints, catalog);
  const remaining = snapshot.pendingJobs.filter((job) => !absorption.assigned.has(job.id));
  const unneeded = idle.filter((worker) => !absorption.busyNext.has(worker.id));
  const learned = learnKeepWarm(snapshot, config);
  shutdowns.push(...planIdleShutdowns(unneeded, remaining, ledgers, constraints, config, at, learned.states));

  for (const [org, count] of queueBeyondSlots(remaining, ledgers)) queuedPerSlot.set(org, count);
  slotLoad = slotLoadNearCap(remaining, ledgers, learned.states, config, at);
  const creation = planCreates(
    remaining,
    ledgers,
    constraints,
    new CooldownIndex(snapshot.cooldowns),
    config,
    costModel,
    at,
  );
  return [
    ...learned.updates,
    ...lost,
    ...orphans,
    ...shutdowns.sort((a, b) => compareIds(a.workerId, b.workerId)),
    ...creation.creates,
    ...groupByReason(creation.deferred).map((group): DeferredAction => ({ kind: "deferred", ...group })),
    ...groupByReason(creation.unschedulable).map(
      (group): UnschedulableAction => ({ kind: "unschedulable", ...group }),
    ),
  ];
}
