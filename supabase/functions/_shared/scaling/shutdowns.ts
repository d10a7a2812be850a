// Which workers to stop: every worker of an org whose daily budget is spent; idle workers no
// pending job needs, once past the startup grace and no longer worth keeping warm (keep-warm.ts:
// learned per organization × image from arrivals; the fixed idle timeout until enough are seen); and, when an org is at its
// worker cap while jobs wait for a slot, idle workers none of those jobs can use, at once — the
// idle timeout keeps a worker for jobs that may come, which must not cost jobs that are here.
import type { ScalingConfig } from "./config.ts";
import { decideKeepWarm, type KeepWarmDecision, type KeepWarmState, keepWarmKey } from "./keep-warm.ts";
import type { OrgLedger } from "./ledger.ts";
import type { ConstraintCache } from "./placement.ts";
import type { EpochMs, PendingJob, ShutdownWorkerAction, WorkerState } from "./types.ts";

export function shutdown(worker: WorkerState, reason: ShutdownWorkerAction["reason"]): ShutdownWorkerAction {
  return {
    kind: "shutdown_worker",
    workerId: worker.id,
    organizationId: worker.organizationId,
    reason,
    terminateNow: worker.runningJobs === 0,
  };
}

/** Every starting/active worker of an org whose daily budget is spent is told to stop. */
export function stopOverBudget(
  staying: readonly WorkerState[],
  ledgers: ReadonlyMap<string, OrgLedger>,
): ShutdownWorkerAction[] {
  const actions: ShutdownWorkerAction[] = [];
  for (const ledger of ledgers.values()) {
    if (ledger.dailyBudgetExhausted()) ledger.blocked = "daily_budget";
  }
  for (const worker of staying) {
    const ledger = ledgers.get(worker.organizationId);
    if (worker.status === "shutdown" || ledger?.blocked !== "daily_budget") continue;
    ledger.workers -= 1;
    actions.push(shutdown(worker, "daily_budget_exhausted"));
  }
  return actions;
}

/**
 * Whether an idle worker no pending job needs goes now. `rank`: how many idle workers of its
 * organization × image were active more recently (the freshest are the ones kept warm).
 */
function idleTooLong(
  worker: WorkerState,
  decision: KeepWarmDecision,
  rank: number,
  config: ScalingConfig,
  now: EpochMs,
): boolean {
  if (now - worker.createdAt < config.startupGraceSeconds * 1000) return false;
  const idle = now - worker.lastActiveAt;
  if (decision.horizonSeconds === null) return idle >= config.idleTimeoutSeconds * 1000;
  if (idle < config.keepWarmMinIdleSeconds * 1000) return false;
  if (idle >= config.keepWarmMaxIdleSeconds * 1000) return true;
  return !decision.keep || rank >= decision.workers;
}

/** Per organization × image, its idle workers' ranks: most recently active first. */
function freshnessRanks(workers: readonly WorkerState[]): Map<string, number> {
  const ranks = new Map<string, number>();
  const seen = new Map<string, number>();
  const freshestFirst = [...workers].sort(
    (a, b) => b.lastActiveAt - a.lastActiveAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const worker of freshestFirst) {
    const key = keepWarmKey(worker.organizationId, worker.image);
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    ranks.set(worker.id, rank);
  }
  return ranks;
}

/** Jobs per org still needing a new worker (those some hardware could run). */
function demandByOrg(remaining: readonly PendingJob[], constraints: ConstraintCache): Map<string, number> {
  const demand = new Map<string, number>();
  for (const job of remaining) {
    if (constraints.fitOf(job).unschedulable) continue;
    demand.set(job.organizationId, (demand.get(job.organizationId) ?? 0) + 1);
  }
  return demand;
}

/**
 * `unneeded`: idle workers (no run) that no pending job is expected to take, in id order.
 * Updates the ledgers' worker counts for every worker it stops.
 */
export function planIdleShutdowns(
  unneeded: readonly WorkerState[],
  remaining: readonly PendingJob[],
  ledgers: ReadonlyMap<string, OrgLedger>,
  constraints: ConstraintCache,
  config: ScalingConfig,
  now: EpochMs,
  keepWarm: ReadonlyMap<string, KeepWarmState> = new Map(),
): ShutdownWorkerAction[] {
  const demand = demandByOrg(remaining, constraints);
  const shortfall = new Map<string, number>();
  for (const [org, jobs] of demand) {
    const ledger = ledgers.get(org);
    if (ledger && !ledger.paused(now) && ledger.blocked === null) {
      shortfall.set(org, jobs - Math.max(0, ledger.limits.maxWorkers - ledger.workers));
    }
  }
  const longestIdleFirst = [...unneeded].sort(
    (a, b) => a.lastActiveAt - b.lastActiveAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const ranks = freshnessRanks(unneeded);
  const decisions = new Map<string, KeepWarmDecision>();
  const decisionFor = (worker: WorkerState) => {
    const key = keepWarmKey(worker.organizationId, worker.image);
    let decision = decisions.get(key);
    if (!decision) {
      decision = decideKeepWarm(keepWarm.get(key), now, config);
      decisions.set(key, decision);
    }
    return decision;
  };
  const actions: ShutdownWorkerAction[] = [];
  for (const worker of longestIdleFirst) {
    const ledger = ledgers.get(worker.organizationId);
    const short = shortfall.get(worker.organizationId) ?? 0;
    if (short > 0) {
      shortfall.set(worker.organizationId, short - 1);
      actions.push(shutdown(worker, "make_room"));
    } else if (idleTooLong(worker, decisionFor(worker), ranks.get(worker.id) ?? 0, config, now)) {
      actions.push(shutdown(worker, "idle"));
    } else continue;
    if (ledger) ledger.workers -= 1;
  }
  return actions;
}
