// New workers for the jobs idle capacity does not cover: one worker per job, in fair order, on
// the hardware with the lowest expected cost for the job that is outside cooldown and within the
// org's caps; the reason says why (it becomes the job's `waiting_reason`).
import type { HardwareConfig } from "../hardware/catalog.ts";
import type { ScalingConfig } from "./config.ts";
import type { CooldownIndex } from "./cooldown.ts";
import { explainChoice, type JobCostModel } from "./job-cost.ts";
import type { OrgLedger } from "./ledger.ts";
import { type ConstraintCache, type JobConstraint, toChoice } from "./placement.ts";
import { fairCreateOrder } from "./queue-order.ts";
import type { CreateWorkerAction, DeferReason, EpochMs, PendingJob, UnschedulableReason } from "./types.ts";

export interface CreationPlan {
  readonly creates: CreateWorkerAction[];
  readonly deferred: Array<{ job: PendingJob; reason: DeferReason }>;
  readonly unschedulable: Array<{ job: PendingJob; reason: UnschedulableReason }>;
}

interface Context {
  readonly ledgers: ReadonlyMap<string, OrgLedger>;
  readonly constraints: ConstraintCache;
  readonly cooldowns: CooldownIndex;
  readonly config: ScalingConfig;
  readonly costModel: JobCostModel;
  readonly now: EpochMs;
  readonly usableMemo: Map<string, readonly HardwareConfig[]>;
  readonly plan: CreationPlan;
  readonly pendingFallbacks: Array<{
    ledger: OrgLedger;
    alternatives: readonly HardwareConfig[];
    position: number;
  }>;
  created: number;
}

export function planCreates(
  jobs: readonly PendingJob[],
  ledgers: ReadonlyMap<string, OrgLedger>,
  constraints: ConstraintCache,
  cooldowns: CooldownIndex,
  config: ScalingConfig,
  costModel: JobCostModel,
  now: EpochMs,
): CreationPlan {
  const plan: CreationPlan = { creates: [], deferred: [], unschedulable: [] };
  const ctx: Context = {
    ledgers,
    constraints,
    cooldowns,
    config,
    costModel,
    now,
    usableMemo: new Map(),
    plan,
    pendingFallbacks: [],
    created: 0,
  };
  for (const job of fairCreateOrder(jobs)) planJob(ctx, job);
  addFallbacks(ctx);
  return plan;
}

/** Candidates outside cooldown, memoised per (org, constraint) for the tick. */
function usableCandidates(
  ctx: Context,
  job: PendingJob,
  constraint: JobConstraint,
): readonly HardwareConfig[] {
  const key = `${job.organizationId}\u0000${constraint.key}`;
  let usable = ctx.usableMemo.get(key);
  if (!usable) {
    usable = constraint.candidates.filter((c) => !ctx.cooldowns.cooling(job.organizationId, c.gpu, ctx.now));
    ctx.usableMemo.set(key, usable);
  }
  return usable;
}

/** Why the org can take no new worker now (before looking at hardware), or null. */
function orgBlock(ctx: Context, ledger: OrgLedger): DeferReason | null {
  if (ledger.blocked) return ledger.blocked;
  if (ledger.paused(ctx.now)) ledger.blocked = "provisioning_paused";
  else if (ledger.atWorkerCap()) ledger.blocked = "max_workers";
  if (ledger.blocked) return ledger.blocked;
  if (ctx.created >= ctx.config.maxCreatesPerTick) return "create_cap";
  if (ledger.createsThisTick >= ctx.config.maxCreatesPerOrgPerTick) return "create_cap";
  return null;
}

function planJob(ctx: Context, job: PendingJob): void {
  const ledger = ctx.ledgers.get(job.organizationId);
  // What fits first (cheap, memoised per job); the ranking by cost only for jobs that may get a
  // worker this tick — most of a large queue waits for its org's cap.
  const fit = ctx.constraints.fitOf(job);
  if (!ledger) return;
  if (fit.unschedulable) {
    ctx.plan.unschedulable.push({ job, reason: fit.unschedulable });
    return;
  }
  if (fit.candidates.every((c) => ledger.neverAffordable(c.costPerHour))) {
    ctx.plan.unschedulable.push({ job, reason: "exceeds_budget" });
    return;
  }
  const blocked = orgBlock(ctx, ledger);
  if (blocked) {
    ctx.plan.deferred.push({ job, reason: blocked });
    return;
  }
  const constraint = ctx.constraints.of(job);
  const usable = usableCandidates(ctx, job, constraint);
  if (usable.length === 0) {
    ctx.plan.deferred.push({ job, reason: "hardware_cooling_down" });
    return;
  }
  const index = usable.findIndex((c) => ledger.budgetBlock(c.costPerHour) === null);
  const primary = usable[index];
  if (!primary) {
    const reason = ledger.budgetBlock(usable[0]?.costPerHour ?? 0) ?? "hourly_budget";
    ledger.blocked = reason;
    ctx.plan.deferred.push({ job, reason });
    return;
  }
  ctx.plan.creates.push(createAction(ctx, ledger, job, constraint, usable, index));
  ctx.created += 1;
}

function createAction(
  ctx: Context,
  ledger: OrgLedger,
  job: PendingJob,
  constraint: JobConstraint,
  usable: readonly HardwareConfig[],
  index: number,
): CreateWorkerAction {
  const primary = usable[index] as HardwareConfig;
  ledger.reserve(primary.costPerHour);
  ctx.pendingFallbacks.push({
    ledger,
    alternatives: usable.slice(index + 1),
    position: ctx.plan.creates.length,
  });
  const why = explainPrimary(ctx, job, constraint, usable, primary);
  return {
    kind: "create_worker",
    organizationId: job.organizationId,
    image: job.image,
    provider: ctx.config.provider,
    hardware: toChoice(primary),
    fallbacks: [],
    jobIds: [job.id],
    estimatedCostPerHour: primary.costPerHour,
    reason: why,
  };
}

/**
 * Why this hardware: its expected cost for the job against the cheapest per hour among the
 * options open now; and, when a cheaper-per-job option is cooling down or over budget, that too.
 */
function explainPrimary(
  ctx: Context,
  job: PendingJob,
  constraint: JobConstraint,
  usable: readonly HardwareConfig[],
  primary: HardwareConfig,
): string {
  const chosen = constraint.costs.get(primary.hardwareType);
  const open = usable.map((c) => constraint.costs.get(c.hardwareType)).filter((c) => c !== undefined);
  const scope = constraint.allowedTypes ? "of its allowed hardware" : `with ${constraint.requiresVramGb} GB`;
  if (!chosen) return `${primary.hardwareType} at $${primary.costPerHour.toFixed(2)}/h`;
  let text = `${explainChoice(chosen, open, ctx.costModel)} (${scope})`;
  const best = constraint.ranked[0];
  if (best && best.config.hardwareType !== primary.hardwareType) {
    const why = ctx.cooldowns.cooling(job.organizationId, best.config.gpu, ctx.now)
      ? "cooling down"
      : "over budget";
    text += `; ${best.config.hardwareType} would cost less but is ${why}`;
  }
  return text;
}

/**
 * Second pass: alternatives for the applier, from the budget first choices left over, in the
 * same order. A fallback is kept only if the org could afford it instead of the first choice
 * (the difference is reserved), so the caps hold whichever choice the provider accepts.
 */
function addFallbacks(ctx: Context): void {
  for (const { ledger, alternatives, position } of ctx.pendingFallbacks) {
    const action = ctx.plan.creates[position];
    if (!action) continue;
    let reserved = action.hardware.costPerHour;
    const fallbacks: HardwareConfig[] = [];
    for (const candidate of alternatives) {
      if (fallbacks.length >= ctx.config.maxFallbacks) break;
      const extra = Math.max(0, candidate.costPerHour - reserved);
      if (ledger.budgetBlock(extra) !== null) continue;
      ledger.burnPerHour += extra;
      reserved += extra;
      fallbacks.push(candidate);
    }
    ctx.plan.creates[position] = { ...action, fallbacks: fallbacks.map(toChoice) };
  }
}
