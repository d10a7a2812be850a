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
}

export interface JobCostModel {
  readonly speed: SpeedModel;
  readonly bootSeconds: number;
  /** Usable VRAM of one reference card, GB (sizes the pod a job's reference duration is for). */
  readonly referenceUsableVramGb: number;
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
  };
}

export interface JobShape {
  readonly requiresVramGb: number;
  readonly workload: Workload;
  /** Expected duration on the reference pod, seconds. */
  readonly referenceSeconds: number;
  /** The run limit the user set; hardware expected to take longer is passed over. */
  readonly timeoutSeconds: number;
}

export function costOf(config: HardwareConfig, job: JobShape, model: JobCostModel): CostedConfig {
  const reference = referencePodSpeed(
    job.requiresVramGb,
    model.referenceUsableVramGb,
    job.workload,
    model.speed,
  );
  const runSeconds =
    (job.referenceSeconds * reference) / podSpeed(config.gpu, config.count, job.workload, model.speed);
  const billed = model.speed.enabled ? model.bootSeconds + runSeconds : 1;
  return { config, runSeconds, expectedUsd: (config.costPerHour * billed) / 3600 };
}

/**
 * `candidates` costed and ordered by expected cost per job (ties keep the given order). Hardware
 * expected to run past the job's timeout goes last, so the user's limit is kept where any
 * hardware can keep it. With the speed model off this is the given ($/h) order.
 */
export function rankByJobCost(
  candidates: readonly HardwareConfig[],
  job: JobShape,
  model: JobCostModel,
): CostedConfig[] {
  const costed = candidates.map((config, index) => ({ costed: costOf(config, job, model), index }));
  const late = (c: CostedConfig) => (c.runSeconds > job.timeoutSeconds ? 1 : 0);
  costed.sort(
    (a, b) =>
      late(a.costed) - late(b.costed) ||
      (model.speed.enabled ? a.costed.expectedUsd - b.costed.expectedUsd : 0) ||
      a.index - b.index,
  );
  return costed.map((entry) => entry.costed);
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
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
  const head = `lowest expected cost for this job: ${describe(chosen)}`;
  if (!cheapestPerHour || cheapestPerHour.config.hardwareType === chosen.config.hardwareType) return head;
  return `${head}; cheapest per hour ${describe(cheapestPerHour)}`;
}
