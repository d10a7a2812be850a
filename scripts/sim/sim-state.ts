// The simulator's world state: jobs, workers (rows) and pods (billing), and the snapshot the
// scaler would read from them.
import type { HardwareCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { canonicalHardware } from "../../supabase/functions/_shared/hardware/hardware-string.ts";
import type { Workload } from "../../supabase/functions/_shared/hardware/speed.ts";
import type {
  HardwareChoice,
  PendingJob,
  ScalingSnapshot,
  WorkerState,
  WorkerStatus,
} from "../../supabase/functions/_shared/scaling/types.ts";
import type { SimTraceJob } from "./trace.ts";

export interface SimJob {
  readonly trace: SimTraceJob;
  readonly arrivalMs: number;
  /** Run time on the reference pod; the world scales it to the pod that runs the job. */
  readonly durationMs: number;
  readonly workload: Workload;
  /** Canonical allowed hardware, or null. */
  readonly allowed: ReadonlySet<string> | null;
  state: "future" | "pending" | "running" | "done";
  firstStartMs: number | null;
  finishedMs: number | null;
  /** GPUs of the worker that finished it. */
  finishedOnGpus: number;
  /** How long its finishing run took on that worker. */
  ranMs: number;
  /** USD of its finishing run (ranMs × that worker's price). */
  finishedUsd: number;
  /** Hardware type of the worker that finished it. */
  finishedOn: string | null;
  /** USD of its runs cut short (lost worker, pod lifetime, orphan) and requeued: work paid twice. */
  wastedUsd: number;
}

export interface SimPod {
  readonly id: string;
  readonly workerId: string;
  readonly costPerHour: number;
  readonly gpuCount: number;
  readonly startMs: number;
  endMs: number | null;
}

export interface SimWorker {
  readonly id: string;
  readonly org: string;
  readonly image: string;
  readonly hardware: HardwareChoice;
  readonly createdMs: number;
  readonly pod: SimPod;
  /** The world decided this pod dies before its worker registers. */
  readonly bootFails: boolean;
  status: WorkerStatus;
  booted: boolean;
  /** When the worker registered (null: never). */
  readyMs: number | null;
  /** Time spent running jobs. */
  busyMs: number;
  /** The worker process has ended (it no longer heartbeats or claims). */
  exited: boolean;
  lastHeartbeatMs: number | null;
  lastActiveMs: number;
  shutdownRequestedMs: number | null;
  job: SimJob | null;
  pollAtMs: number | null;
  readonly pollPhaseMs: number;
}

export function toSimJob(trace: SimTraceJob, catalog: HardwareCatalog): SimJob {
  const allowed =
    trace.allowedHardware && trace.allowedHardware.length > 0
      ? new Set(trace.allowedHardware.map((hw) => canonicalHardware(hw, catalog) ?? hw))
      : null;
  return {
    trace,
    arrivalMs: Math.round(trace.arrival * 1000),
    durationMs: Math.round(trace.duration * 1000),
    workload: trace.kind ?? (/vllm/i.test(trace.image) ? "inference" : "training"),
    allowed,
    state: "future",
    firstStartMs: null,
    finishedMs: null,
    finishedOnGpus: 0,
    ranMs: 0,
    finishedUsd: 0,
    finishedOn: null,
    wastedUsd: 0,
  };
}

/** The claim's order: priority desc, then age, then id. */
export function claimOrder(a: SimJob, b: SimJob): number {
  return (
    b.trace.priority - a.trace.priority ||
    a.arrivalMs - b.arrivalMs ||
    (a.trace.id < b.trace.id ? -1 : a.trace.id > b.trace.id ? 1 : 0)
  );
}

/** Whether a worker may claim a job: same org and image; named hardware or enough VRAM. */
export function canClaim(worker: SimWorker, job: SimJob): boolean {
  if (worker.org !== job.trace.org || worker.image !== job.trace.image) return false;
  if (job.allowed) return job.allowed.has(worker.hardware.hardwareType);
  return job.trace.vramGb <= worker.hardware.vramGb;
}

export function podAlive(pod: SimPod): boolean {
  return pod.endMs === null;
}

export function heartbeating(worker: SimWorker): boolean {
  return worker.booted && !worker.exited && podAlive(worker.pod);
}

function isLiveStatus(status: WorkerStatus): boolean {
  return status === "starting" || status === "active" || status === "shutdown";
}

function workerRow(worker: SimWorker, now: number): WorkerState {
  return {
    id: worker.id,
    organizationId: worker.org,
    provider: "runpod",
    podId: worker.pod.id,
    status: worker.status,
    image: worker.image,
    hardwareType: worker.hardware.hardwareType,
    gpuCount: worker.hardware.count,
    vramGb: worker.booted ? worker.hardware.vramGb : 0,
    costPerHour: worker.hardware.costPerHour,
    createdAt: worker.createdMs,
    lastHeartbeatAt: heartbeating(worker) ? now : worker.lastHeartbeatMs,
    runningJobs: worker.job ? 1 : 0,
    lastActiveAt: worker.lastActiveMs,
    shutdownRequestedAt: worker.shutdownRequestedMs,
  };
}

function pendingRow(job: SimJob): PendingJob {
  return {
    id: job.trace.id,
    organizationId: job.trace.org,
    image: job.trace.image,
    requiresVramGb: job.trace.vramGb,
    allowedHardware: job.trace.allowedHardware ?? null,
    priority: job.trace.priority,
    createdAt: job.arrivalMs,
    jobType: job.workload === "inference" ? "inference" : "fine-tuning",
    timeoutSeconds: job.trace.timeout ?? null,
  };
}

export interface SnapshotInputs {
  readonly pending: readonly SimJob[];
  readonly workers: Iterable<SimWorker>;
  readonly orgs: readonly string[];
  readonly maxWorkers: (org: string) => number;
  readonly cooldowns: ScalingSnapshot["cooldowns"];
  readonly keepWarm: NonNullable<ScalingSnapshot["keepWarm"]>;
  readonly arrivals: NonNullable<ScalingSnapshot["arrivals"]>;
}

/** What the scale function would read at `now`. */
export function buildSnapshot(inputs: SnapshotInputs, now: number): ScalingSnapshot {
  const workers: WorkerState[] = [];
  const providerPods: Array<ScalingSnapshot["providerPods"][number]> = [];
  for (const worker of inputs.workers) {
    const alive = podAlive(worker.pod);
    if (!alive && !isLiveStatus(worker.status)) continue;
    workers.push(workerRow(worker, now));
    if (alive) {
      providerPods.push({
        podId: worker.pod.id,
        provider: "runpod",
        workerId: worker.id,
        status: "running",
        createdAt: worker.pod.startMs,
      });
    }
  }
  return {
    pendingJobs: inputs.pending.map(pendingRow),
    workers,
    cooldowns: inputs.cooldowns,
    limits: inputs.orgs.map((organizationId) => ({
      organizationId,
      maxWorkers: inputs.maxWorkers(organizationId),
      maxHourlyUsd: null,
      maxDailyUsd: null,
      spentTodayUsd: 0,
      provisioningPausedUntil: null,
    })),
    providerPods,
    listedProviders: ["runpod"],
    keepWarm: inputs.keepWarm,
    arrivals: inputs.arrivals,
  };
}
