// Which hardware a job may run on, and whether a worker can take it. A job either names its
// hardware (`allowed_hardware`, user order = preference, VRAM not second-guessed — the user
// chose) or states the VRAM it needs, in which case every verified configuration with enough
// usable VRAM fits, multi-GPU included, cheapest first.
import { findConfig, findGpu, type HardwareCatalog, type HardwareConfig } from "../hardware/catalog.ts";
import { tryParseHardware } from "../hardware/hardware-string.ts";
import type { HardwareChoice, PendingJob, UnschedulableReason, WorkerState } from "./types.ts";

export interface JobConstraint {
  /** Jobs with equal keys have equal hardware options (the policy's group key, with org and image). */
  readonly key: string;
  /** Canonical hardware strings a worker must have, or null when VRAM decides. */
  readonly allowedTypes: ReadonlySet<string> | null;
  readonly requiresVramGb: number;
  /** Configurations in order of preference, before cooldowns and budgets. */
  readonly candidates: readonly HardwareConfig[];
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

function allowedConstraint(key: string, job: PendingJob, catalog: HardwareCatalog): JobConstraint {
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
): JobConstraint {
  const candidates = catalog.autoConfigs.filter(
    (config) => config.vramGb >= vram && config.count <= maxCount,
  );
  const unschedulable = candidates.length === 0 ? "no_hardware_fits" : null;
  return { key, allowedTypes: null, requiresVramGb: vram, candidates, unschedulable };
}

/** Memoised constraints: parsing hardware strings once per distinct list, not once per job. */
export class ConstraintCache {
  private readonly cache = new Map<string, JobConstraint>();
  constructor(
    private readonly catalog: HardwareCatalog,
    private readonly maxAutoGpuCount = Number.POSITIVE_INFINITY,
  ) {}

  of(job: PendingJob): JobConstraint {
    const allowed = job.allowedHardware;
    const key =
      allowed && allowed.length > 0 ? `hw:${allowed.join("|")}` : `vram:${Math.max(0, job.requiresVramGb)}`;
    let constraint = this.cache.get(key);
    if (!constraint) {
      constraint =
        allowed && allowed.length > 0
          ? allowedConstraint(key, job, this.catalog)
          : vramConstraint(key, Math.max(0, job.requiresVramGb), this.catalog, this.maxAutoGpuCount);
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
export function fits(constraint: JobConstraint, capacity: WorkerCapacity): boolean {
  if (constraint.allowedTypes)
    return capacity.hardwareType !== null && constraint.allowedTypes.has(capacity.hardwareType);
  return constraint.requiresVramGb <= capacity.vramGb;
}
