// Which hardware a job may run on, and whether a worker can take it. A job either names its
// hardware (`allowed_hardware`, VRAM not second-guessed — the user chose) or states the VRAM it
// needs, in which case every verified configuration with enough usable VRAM fits, multi-GPU
// included. Either way the options are ranked by expected cost for the job (job-cost.ts): price
// × (boot + expected duration on that hardware); equal costs keep the user's order, or $/h.
import { findConfig, findGpu, type HardwareCatalog, type HardwareConfig } from "../hardware/catalog.ts";
import { tryParseHardware } from "../hardware/hardware-string.ts";
import { workloadOf } from "../hardware/speed.ts";
import { type CostedConfig, type JobCostModel, type JobShape, rankByJobCost } from "./job-cost.ts";
import type { SlotLoad } from "./slot-pressure.ts";
import type { HardwareChoice, PendingJob, UnschedulableReason, WorkerState } from "./types.ts";

export interface JobConstraint {
  /** Jobs with equal keys have equal hardware options (the policy's group key, with org and image). */
  readonly key: string;
  /** Canonical hardware strings a worker must have, or null when VRAM decides. */
  readonly allowedTypes: ReadonlySet<string> | null;
  readonly requiresVramGb: number;
  /** Configurations in order of preference (lowest expected job cost first), before cooldowns and budgets. */
  readonly candidates: readonly HardwareConfig[];
  /** Expected cost of the job on each candidate, by hardware type. */
  readonly costs: ReadonlyMap<string, CostedConfig>;
  /** Every candidate's cost, in `candidates` order (for explanations). */
  readonly ranked: readonly CostedConfig[];
  /** Set when `candidates` is empty: why no hardware can ever run the job. */
  readonly unschedulable: UnschedulableReason | null;
}

/** What a live worker offers a job. */
export interface WorkerCapacity {
  readonly hardwareType: string | null;
  readonly vramGb: number;
}

export function toChoice(config: HardwareConfig): HardwareChoice {
  return {
    gpu: config.gpu,
    count: config.count,
    hardwareType: config.hardwareType,
    runpodGpuTypeId: config.runpodGpuTypeId,
    vramGb: config.vramGb,
    costPerHour: config.costPerHour,
  };
}

export type BareConstraint = Omit<JobConstraint, "costs" | "ranked">;

function allowedConstraint(key: string, job: PendingJob, catalog: HardwareCatalog): BareConstraint {
  const candidates: HardwareConfig[] = [];
  const allowedTypes = new Set<string>();
  for (const entry of job.allowedHardware ?? []) {
    const parsed = tryParseHardware(entry, catalog);
    if (!parsed || allowedTypes.has(parsed.hardwareType)) continue;
    const config = findConfig(catalog, parsed.gpu, parsed.count);
    if (!config) continue;
    allowedTypes.add(parsed.hardwareType);
    candidates.push(config);
  }
  const unschedulable = candidates.length === 0 ? "unknown_hardware" : null;
  return { key, allowedTypes, requiresVramGb: job.requiresVramGb, candidates, unschedulable };
}

function vramConstraint(
  key: string,
  vram: number,
  catalog: HardwareCatalog,
  maxCount: number,
): BareConstraint {
  const candidates = catalog.autoConfigs.filter(
    (config) => config.vramGb >= vram && config.count <= maxCount,
  );
  const unschedulable = candidates.length === 0 ? "no_hardware_fits" : null;
  return { key, allowedTypes: null, requiresVramGb: vram, candidates, unschedulable };
}

export interface ConstraintOptions {
  readonly maxAutoGpuCount?: number;
  readonly costModel?: JobCostModel;
  /** Expected duration of a job on the reference GPU, seconds. */
  readonly referenceSeconds?: (job: PendingJob) => number;
  /** The job's organization's jobs waiting for a worker slot, per slot. */
  readonly queuedPerSlot?: (job: PendingJob) => number;
  /** The job's organization's arrival rate and cap, when its last free slots are being taken. */
  readonly slotLoad?: (job: PendingJob) => SlotLoad | undefined;
}

/** Memoised constraints: parsing hardware strings and ranking once per distinct job shape, not per job. */
export class ConstraintCache {
  private readonly bare = new Map<string, BareConstraint>();
  /** Per job: what fits it (absorb and shutdowns ask this for every job × worker pair). */
  private readonly bareByJob = new WeakMap<PendingJob, BareConstraint>();
  private readonly cache = new Map<string, JobConstraint>();
  private readonly maxAutoGpuCount: number;
  constructor(
    private readonly catalog: HardwareCatalog,
    private readonly options: ConstraintOptions = {},
  ) {
    this.maxAutoGpuCount = options.maxAutoGpuCount ?? Number.POSITIVE_INFINITY;
  }

  /** What fits the job and whether anything can (no ranking): cheap, memoised per job. */
  fitOf(job: PendingJob): BareConstraint {
    let constraint = this.bareByJob.get(job);
    if (!constraint) {
      constraint = this.bareOf(job);
      this.bareByJob.set(job, constraint);
    }
    return constraint;
  }

  private bareOf(job: PendingJob): BareConstraint {
    const allowed = job.allowedHardware;
    const key =
      allowed && allowed.length > 0 ? `hw:${allowed.join("|")}` : `vram:${Math.max(0, job.requiresVramGb)}`;
    let constraint = this.bare.get(key);
    if (!constraint) {
      constraint =
        allowed && allowed.length > 0
          ? allowedConstraint(key, job, this.catalog)
          : vramConstraint(key, Math.max(0, job.requiresVramGb), this.catalog, this.maxAutoGpuCount);
      this.bare.set(key, constraint);
    }
    return constraint;
  }

  /** The job's options ranked by expected cost (call once the queue pressure is known). */
  of(job: PendingJob): JobConstraint {
    const bare = this.fitOf(job);
    const load = this.options.slotLoad?.(job);
    const shape: JobShape = {
      requiresVramGb: Math.max(0, job.requiresVramGb),
      workload: workloadOf(job.jobType),
      referenceSeconds: Math.round(this.options.referenceSeconds?.(job) ?? 1800),
      timeoutSeconds: job.timeoutSeconds ?? Number.POSITIVE_INFINITY,
      queuedPerSlot: Math.round(10 * (this.options.queuedPerSlot?.(job) ?? 0)) / 10,
      // Rounded like the queue so jobs of one shape share a ranking within a tick.
      arrivalsPerHour: Math.round(4 * (load?.arrivalsPerHour ?? 0)) / 4,
      slots: load?.slots ?? 0,
    };
    const key = `${bare.key}\u0000${shape.requiresVramGb}\u0000${shape.workload}\u0000${shape.referenceSeconds}\u0000${shape.timeoutSeconds}\u0000${shape.queuedPerSlot}\u0000${shape.arrivalsPerHour}\u0000${shape.slots}`;
    let constraint = this.cache.get(key);
    if (!constraint) {
      const model = this.options.costModel;
      const ranked = model
        ? rankByJobCost(bare.candidates, shape, model)
        : bare.candidates.map((config) => ({
            config,
            runSeconds: shape.referenceSeconds,
            expectedUsd: 0,
            rankUsd: 0,
          }));
      constraint = {
        ...bare,
        key,
        candidates: ranked.map((c) => c.config),
        costs: new Map(ranked.map((c) => [c.config.hardwareType, c])),
        ranked,
      };
      this.cache.set(key, constraint);
    }
    return constraint;
  }
}

/**
 * What a worker offers: its reported VRAM once it registered, the catalog's usable VRAM for its
 * hardware before that (a `starting` worker reports 0).
 */
export function workerCapacity(worker: WorkerState, catalog: HardwareCatalog): WorkerCapacity {
  const parsed = worker.hardwareType ? tryParseHardware(worker.hardwareType, catalog) : null;
  const catalogVram = parsed ? (findGpu(catalog, parsed.gpu)?.usableVramGb ?? 0) * parsed.count : 0;
  return {
    hardwareType: parsed?.hardwareType ?? worker.hardwareType,
    vramGb: worker.vramGb > 0 ? worker.vramGb : catalogVram,
  };
}

/** The claim's rule: named hardware must match exactly; otherwise VRAM must suffice. */
export function fits(constraint: BareConstraint, capacity: WorkerCapacity): boolean {
  if (constraint.allowedTypes)
    return capacity.hardwareType !== null && constraint.allowedTypes.has(capacity.hardwareType);
  return constraint.requiresVramGb <= capacity.vramGb;
}
