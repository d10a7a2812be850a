// Which workers to stop: every worker of an org whose daily budget is spent; idle workers no
// pending job needs, once past the startup grace and the idle timeout; and, when an org is at its
// worker cap while jobs wait for a slot, idle workers none of those jobs can use, at once — the
// idle timeout keeps a worker for jobs that may come, which must not cost jobs that are here.
import type { ScalingConfig } from "./config.ts";
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

function idleTooLong(worker: WorkerState, config: ScalingConfig, now: EpochMs): boolean {
  return (
    now - worker.createdAt >= config.startupGraceSeconds * 1000 &&
    now - worker.lastActiveAt >= config.idleTimeoutSeconds * 1000
  );
}

/** Jobs per org still needing a new worker (those some hardware could run). */
function demandByOrg(remaining: readonly PendingJob[], constraints: ConstraintCache): Map<string, number> {
  const demand = new Map<string, number>();
  for (const job of remaining) {
    if (constraints.of(job).unschedulable) continue;
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
  const actions: ShutdownWorkerAction[] = [];
  for (const worker of longestIdleFirst) {
    const ledger = ledgers.get(worker.organizationId);
    const short = shortfall.get(worker.organizationId) ?? 0;
    if (short > 0) {
      shortfall.set(worker.organizationId, short - 1);
      actions.push(shutdown(worker, "make_room"));
    } else if (idleTooLong(worker, config, now)) {
      actions.push(shutdown(worker, "idle"));
    } else continue;
    if (ledger) ledger.workers -= 1;
  }
  return actions;
}
