// Per-organization bookkeeping for one tick: how many workers it has, what its fleet burns per
// hour, what this tick already reserved, and whether it may get more. Every create in a tick goes
// through the same ledger, so caps hold across all of an org's images and hardware groups (the
// original checked each group against the same untouched `available_slots`).
import type { ScalingConfig } from "./config.ts";
import type { DeferReason, EpochMs, OrganizationLimits } from "./types.ts";

const EPSILON = 1e-9;

export class OrgLedger {
  /** Starting + active workers that stay (not lost, not being shut down this tick). */
  workers = 0;
  /** USD/h of every pod still alive (starting, active, shutting down), plus this tick's reservations. */
  burnPerHour = 0;
  createsThisTick = 0;
  /** Once set, no more workers this tick for this org (head-of-line: later jobs do not jump ahead). */
  blocked: DeferReason | null = null;

  constructor(
    readonly limits: OrganizationLimits,
    private readonly config: ScalingConfig,
  ) {}

  paused(now: EpochMs): boolean {
    return this.limits.provisioningPausedUntil !== null && this.limits.provisioningPausedUntil > now;
  }

  atWorkerCap(): boolean {
    return this.workers >= this.limits.maxWorkers;
  }

  /** Which budget (if any) adding `costPerHour` would break. */
  budgetBlock(costPerHour: number): "hourly_budget" | "daily_budget" | null {
    const { maxHourlyUsd, maxDailyUsd, spentTodayUsd } = this.limits;
    const burn = this.burnPerHour + costPerHour;
    if (maxHourlyUsd !== null && burn > maxHourlyUsd + EPSILON) return "hourly_budget";
    if (
      maxDailyUsd !== null &&
      spentTodayUsd + burn * this.config.dailyBudgetHorizonHours > maxDailyUsd + EPSILON
    ) {
      return "daily_budget";
    }
    return null;
  }

  /** Whether a worker of this cost could never be created, even with an empty fleet. */
  neverAffordable(costPerHour: number): boolean {
    const { maxHourlyUsd, maxDailyUsd } = this.limits;
    if (maxHourlyUsd !== null && costPerHour > maxHourlyUsd + EPSILON) return true;
    return maxDailyUsd !== null && costPerHour * this.config.dailyBudgetHorizonHours > maxDailyUsd + EPSILON;
  }

  /** Today's spend has reached the daily cap (with `dailyBudgetStopSeconds` of burn to come). */
  dailyBudgetExhausted(): boolean {
    const { maxDailyUsd, spentTodayUsd } = this.limits;
    if (maxDailyUsd === null) return false;
    return (
      spentTodayUsd + (this.burnPerHour * this.config.dailyBudgetStopSeconds) / 3600 >= maxDailyUsd - EPSILON
    );
  }

  reserve(costPerHour: number): void {
    this.workers += 1;
    this.burnPerHour += costPerHour;
    this.createsThisTick += 1;
  }
}

export function defaultLimits(organizationId: string, config: ScalingConfig): OrganizationLimits {
  return {
    organizationId,
    maxWorkers: config.defaultMaxWorkers,
    maxHourlyUsd: null,
    maxDailyUsd: null,
    spentTodayUsd: 0,
    provisioningPausedUntil: null,
  };
}
