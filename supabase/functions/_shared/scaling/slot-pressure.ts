// How scarce an organization's worker slots are this tick, for the price-per-job ranking
// (job-cost.ts): a slot-second is worth money only when jobs wait for slots.
import type { ScalingConfig } from "./config.ts";
import { expectedArrivals, type KeepWarmState } from "./keep-warm.ts";
import type { OrgLedger } from "./ledger.ts";
import type { EpochMs, PendingJob } from "./types.ts";

/** An organization's learned arrival rate and its worker cap (Little's law inputs). */
export interface SlotLoad {
  readonly arrivalsPerHour: number;
  readonly slots: number;
}

function pendingPerOrg(remaining: readonly PendingJob[]): Map<string, number> {
  const pending = new Map<string, number>();
  for (const job of remaining) pending.set(job.organizationId, (pending.get(job.organizationId) ?? 0) + 1);
  return pending;
}

/**
 * Per organization at its worker cap: its jobs left waiting for a slot (pending, not taken by idle
 * capacity, beyond the slots it has free), per slot.
 */
export function queueBeyondSlots(
  remaining: readonly PendingJob[],
  ledgers: ReadonlyMap<string, OrgLedger>,
): Map<string, number> {
  const perSlot = new Map<string, number>();
  for (const [org, jobs] of pendingPerOrg(remaining)) {
    const ledger = ledgers.get(org);
    if (!ledger || ledger.limits.maxWorkers <= 0) continue;
    const free = Math.max(0, ledger.limits.maxWorkers - ledger.workers);
    if (jobs > free) perSlot.set(org, (jobs - free) / ledger.limits.maxWorkers);
  }
  return perSlot;
}

/**
 * Per organization whose jobs left this tick take its last free slots (pending ≥ free): the jobs
 * expected to arrive per hour, all its images together (learned gaps, keep-warm.ts), and its cap.
 * Then the slot a new worker takes is held for the whole run while new jobs keep coming, and
 * job-cost.ts charges each choice the queue its hold time implies. Organizations with slots to
 * spare after this tick are left out: a faster card bought for a queue that may never form cost
 * 1–3 points of median dollars on family 1 when the load was counted for every organization
 * (BENCHMARKS.md, "slot load").
 */
export function slotLoadNearCap(
  remaining: readonly PendingJob[],
  ledgers: ReadonlyMap<string, OrgLedger>,
  states: ReadonlyMap<string, KeepWarmState>,
  config: Pick<ScalingConfig, "keepWarmMinSamples">,
  now: EpochMs,
): Map<string, SlotLoad> {
  const pending = pendingPerOrg(remaining);
  const perHour = new Map<string, number>();
  for (const state of states.values()) {
    const org = state.organizationId;
    perHour.set(org, (perHour.get(org) ?? 0) + expectedArrivals(state, now, 3600, config));
  }
  const load = new Map<string, SlotLoad>();
  for (const [org, arrivalsPerHour] of perHour) {
    const ledger = ledgers.get(org);
    const slots = ledger?.limits.maxWorkers ?? 0;
    if (!ledger || slots <= 0 || arrivalsPerHour <= 0) continue;
    if ((pending.get(org) ?? 0) < slots - ledger.workers) continue;
    load.set(org, { arrivalsPerHour, slots });
  }
  return load;
}
