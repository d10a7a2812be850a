// Price per job, not per hour: what a job is expected to cost on each hardware that fits it,
// price × (boot + expected duration there), with durations from the speed model. The cheapest
// $/h is not the cheapest job when a card twice the price runs it three times as fast.
import { findGpu, type HardwareCatalog, type HardwareConfig } from "../hardware/catalog.ts";
import {
  DEFAULT_SPEED_MODEL,
  podSpeed,
  referencePodSpeed,
  type SpeedModel,
  type Workload,
} from "../hardware/speed.ts";
import type { ScalingConfig } from "./config.ts";

export interface CostedConfig {
  readonly config: HardwareConfig;
  /** Expected run time on this hardware, seconds (boot excluded). */
  readonly runSeconds: number;
  /** Expected USD for the job: price × (boot + run). */
  readonly expectedUsd: number;
  /** What the ranking minimises: `expectedUsd` plus the value of the queue's extra wait (see `rankByJobCost`). */
  readonly rankUsd: number;
  /**
   * Whose wait was counted, for `waiting_reason`: jobs queued for a slot now, or the jobs expected
   * to arrive while this one holds its slot with the cap full (`overloadPerSlot`); absent: none.
   */
  readonly waitCounted?: {
    readonly cause: "queued" | "arrivals";
    readonly arrivalsPerHour: number;
    readonly slots: number;
  };
}

export interface JobCostModel {
  readonly speed: SpeedModel;
  readonly bootSeconds: number;
  /** Usable VRAM of one reference card, GB (sizes the pod a job's reference duration is for). */
  readonly referenceUsableVramGb: number;
  /** A second a user waits is worth this many seconds of the GPU's price (`coldStartWaitWeight`). */
  readonly waitWeight: number;
}

export function jobCostModel(config: ScalingConfig, catalog: HardwareCatalog): JobCostModel {
  const speed: SpeedModel = {
    referenceGpu: DEFAULT_SPEED_MODEL.referenceGpu,
    computeShare: { training: config.trainingComputeShare, inference: config.inferenceComputeShare },
    multiGpuEfficiency: config.multiGpuEfficiency,
    enabled: config.speedAware,
  };
  const reference = findGpu(catalog, speed.referenceGpu);
  return {
    speed,
    bootSeconds: config.expectedBootSeconds,
    referenceUsableVramGb: reference?.usableVramGb ?? 75,
    waitWeight: config.coldStartWaitWeight,
  };
}

export interface JobShape {
  readonly requiresVramGb: number;
  readonly workload: Workload;
  /** Expected duration on the reference pod, seconds. */
  readonly referenceSeconds: number;
  /** The run limit the user set; hardware expected to take longer is passed over. */
  readonly timeoutSeconds: number;
  /** The organization's jobs waiting for a worker slot, per slot (0 when it has slots to spare). */
  readonly queuedPerSlot?: number;
  /** The organization's expected arrivals per hour while its last free slots are taken (else 0)… */
  readonly arrivalsPerHour?: number;
  /** …and its worker cap. */
  readonly slots?: number;
}

export function costOf(config: HardwareConfig, job: JobShape, model: JobCostModel): CostedConfig {
  const reference = referencePodSpeed(
    job.requiresVramGb,
    model.referenceUsableVramGb,
    job.workload,
    model.speed,
  );
  // A job that asks for no GPU memory runs on the CPU: no card makes it faster. Scaling its time
  // by GPU speed sent a 0 GB job to an H100 (the smoke test's one-line job, 2026-12-04).
  const runSeconds =
    job.requiresVramGb === 0
      ? job.referenceSeconds
      : (job.referenceSeconds * reference) / podSpeed(config.gpu, config.count, job.workload, model.speed);
  const billed = model.speed.enabled ? model.bootSeconds + runSeconds : 1;
  const expectedUsd = (config.costPerHour * billed) / 3600;
  return { config, runSeconds, expectedUsd, rankUsd: expectedUsd };
}

/**
 * `candidates` costed and ordered by expected cost per job (ties keep the given order). Hardware
 * expected to run past the job's timeout goes last, so the user's limit is kept where any
 * hardware can keep it. When the organization's jobs queue for worker slots (it is at its cap),
 * a slot is the scarce thing: each second this job holds one delays the queue behind it by
 * `queuedPerSlot` seconds in all, valued like the wait of a cold start (`waitWeight` × the
 * cheapest fitting hardware's price), so a faster card wins as the queue grows. More cards do
 * not: the slot time is counted at the speed of as few cards of that GPU as the smallest option
 * has (right-sizing). Splitting a job that fits one card over 4 or 8 only to shorten the queue pays
 * the parallel overhead (0.85 per doubling) on every job and turns a cap of 8 workers into 64
 * GPUs behind the organization's back; in the simulator it cost up to 12 % more dollars on
 * saturated traces for waits already shorter than the original's (BENCHMARKS.md, "right-sizing").
 * With the speed model off this is the given ($/h) order.
 */
export function rankByJobCost(
  candidates: readonly HardwareConfig[],
  job: JobShape,
  model: JobCostModel,
): CostedConfig[] {
  const cheapestPrice = Math.min(...candidates.map((c) => c.costPerHour));
  const usdPerWaitSecond = (model.waitWeight * cheapestPrice) / 3600;
  const fewestGpus = Math.min(...candidates.map((c) => c.count));
  const costed = candidates.map((config, index) => {
    const base = costOf(config, job, model);
    const slotSeconds = base.runSeconds * splitSpeedup(config, fewestGpus, job, model);
    const queuedNow = job.queuedPerSlot ?? 0;
    const overload = overloadPerSlot(job, model.bootSeconds + slotSeconds);
    const queued = Math.max(queuedNow, overload);
    const waitCounted =
      queued > 0
        ? {
            cause: queuedNow >= overload ? ("queued" as const) : ("arrivals" as const),
            arrivalsPerHour: job.arrivalsPerHour ?? 0,
            slots: job.slots ?? 0,
          }
        : undefined;
    return {
      costed: {
        ...base,
        rankUsd: base.expectedUsd + queued * usdPerWaitSecond * slotSeconds,
        ...(waitCounted ? { waitCounted } : {}),
      },
      index,
    };
  });
  const late = (c: CostedConfig) => (c.runSeconds > job.timeoutSeconds ? 1 : 0);
  costed.sort(
    (a, b) =>
      late(a.costed) - late(b.costed) ||
      (model.speed.enabled ? a.costed.rankUsd - b.costed.rankUsd : 0) ||
      a.index - b.index,
  );
  return costed.map((entry) => entry.costed);
}

/**
 * Little's law: if the organization's jobs each held a slot `holdSeconds`, its arrivals would keep
 * `rate × hold` slots busy; what exceeds its cap queues. Returns the jobs expected to wait per
 * slot (0 while the cap holds the load). Why: a cheap, slow card looks free while a slot is
 * spare, but it holds that slot for a long run while jobs keep arriving; on mixed-sizes (one
 * organization at its cap of 8, 8–160 GB jobs) such choices filled the cap and the p95 wait was
 * 1.22× the original's (BENCHMARKS.md, "slot load").
 */
export function overloadPerSlot(job: JobShape, holdSeconds: number): number {
  const slots = job.slots ?? 0;
  if (slots <= 0) return 0;
  return Math.max(0, ((job.arrivalsPerHour ?? 0) * holdSeconds) / 3600 / slots - 1);
}

/**
 * How much faster `config` runs the job than `fewestGpus` cards of its GPU (the smallest option's
 * count): the speed-up bought by splitting the job over more cards (1 when it is not).
 */
function splitSpeedup(
  config: HardwareConfig,
  fewestGpus: number,
  job: JobShape,
  model: JobCostModel,
): number {
  if (config.count <= fewestGpus) return 1;
  return (
    podSpeed(config.gpu, config.count, job.workload, model.speed) /
    podSpeed(config.gpu, fewestGpus, job.workload, model.speed)
  );
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** Why a faster card may have won: whose wait the slot time was charged for (empty: nobody's). */
function waitClause(chosen: CostedConfig): string {
  const counted = chosen.waitCounted;
  if (!counted || chosen.rankUsd <= chosen.expectedUsd + 1e-9) return "";
  if (counted.cause === "queued")
    return ", counting the wait of the organization's jobs queued for its worker slots";
  return `, counting the wait of the jobs expected while it holds a slot (about ${Math.round(counted.arrivalsPerHour)}/h arriving, all ${counted.slots} worker slots busy)`;
}

/** One line for `waiting_reason`: why this hardware, and what the cheapest $/h would have cost. */
export function explainChoice(
  chosen: CostedConfig,
  ranked: readonly CostedConfig[],
  model: JobCostModel,
): string {
  const describe = (c: CostedConfig) =>
    `${c.config.hardwareType} at $${c.config.costPerHour.toFixed(2)}/h, ≈$${c.expectedUsd.toFixed(2)} (≈${minutes(model.bootSeconds + c.runSeconds)} incl. boot)`;
  if (!model.speed.enabled)
    return `cheapest per hour: ${chosen.config.hardwareType} at $${chosen.config.costPerHour.toFixed(2)}/h`;
  let cheapestPerHour = ranked[0];
  for (const c of ranked)
    if (cheapestPerHour && c.config.costPerHour < cheapestPerHour.config.costPerHour) cheapestPerHour = c;
  const head = `lowest expected cost for this job${waitClause(chosen)}: ${describe(chosen)}`;
  if (!cheapestPerHour || cheapestPerHour.config.hardwareType === chosen.config.hardwareType) return head;
  return `${head}; cheapest per hour ${describe(cheapestPerHour)}`;
}
