// What a simulation run cost and how long jobs waited.
import type { SimResult } from "./engine.ts";

export interface SimMetrics {
  readonly policy: string;
  readonly jobs: number;
  readonly served: number;
  /** USD: every pod's lifetime × its price. */
  readonly dollars: number;
  /** GPU-hours rented: every pod's lifetime × its GPU count. */
  readonly gpuHours: number;
  /** USD spent on pods before their worker registered (boot, image pull; pods that never came up). */
  readonly bootDollars: number;
  /** USD spent on registered workers not running a job (idle, shutting down, waiting to be reaped). */
  readonly idleDollars: number;
  /** USD of runs that finished nothing (cut short and requeued, or still going at the end). */
  readonly wastedDollars: number;
  /** Per job this run finished: the finishing run's USD, hardware and GPU count. */
  readonly finished: ReadonlyMap<string, FinishedRun>;
  /** GPU-hours spent running jobs (the useful part of `gpuHours`). */
  readonly busyGpuHours: number;
  /** Seconds from arrival to first start, over the jobs this run started (see `compareWaits`). */
  readonly waitP50: number;
  readonly waitP95: number;
  readonly waitMax: number;
  /** Jobs never started before the run ended: failures, not waits. */
  readonly neverStarted: number;
  /** Arrival → first start, seconds, of every job this run started. */
  readonly waits: ReadonlyMap<string, number>;
  readonly podsCreated: number;
  readonly createFailures: number;
  readonly lostWorkers: number;
  readonly simulatedHours: number;
}

export interface FinishedRun {
  readonly usd: number;
  readonly hardwareType: string;
  readonly gpus: number;
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

export function measure(result: SimResult): SimMetrics {
  let dollars = 0;
  let gpuHours = 0;
  let bootDollars = 0;
  let idleDollars = 0;
  for (const worker of result.workers) {
    const end = worker.pod.endMs ?? result.endMs;
    const hours = (end - worker.pod.startMs) / 3_600_000;
    const bootHours = (Math.min(end, worker.readyMs ?? end) - worker.pod.startMs) / 3_600_000;
    dollars += hours * worker.pod.costPerHour;
    gpuHours += hours * worker.pod.gpuCount;
    bootDollars += bootHours * worker.pod.costPerHour;
    idleDollars += Math.max(0, hours - bootHours - worker.busyMs / 3_600_000) * worker.pod.costPerHour;
  }
  const waitById = new Map<string, number>();
  const finished = new Map<string, FinishedRun>();
  let wastedDollars = 0;
  for (const job of result.jobs) {
    if (job.firstStartMs !== null) waitById.set(job.trace.id, (job.firstStartMs - job.arrivalMs) / 1000);
    wastedDollars += job.wastedUsd;
    if (job.state === "done" && job.finishedOn !== null)
      finished.set(job.trace.id, {
        usd: job.finishedUsd,
        hardwareType: job.finishedOn,
        gpus: job.finishedOnGpus,
      });
  }
  const waits = [...waitById.values()].sort((a, b) => a - b);
  return {
    policy: result.policy,
    jobs: result.jobs.length,
    served: result.jobs.filter((job) => job.state === "done").length,
    dollars,
    bootDollars,
    idleDollars,
    wastedDollars,
    finished,
    gpuHours,
    busyGpuHours: result.jobs.reduce((sum, job) => sum + (job.ranMs / 3_600_000) * job.finishedOnGpus, 0),
    waitP50: percentile(waits, 50),
    waitP95: percentile(waits, 95),
    waitMax: waits[waits.length - 1] ?? 0,
    neverStarted: result.jobs.length - waitById.size,
    waits: waitById,
    podsCreated: result.counters.creates,
    createFailures: result.counters.createFailures,
    lostWorkers: result.counters.lost,
    simulatedHours: result.endMs / 3_600_000,
  };
}

export interface WaitStats {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export function waitStats(waits: readonly number[]): WaitStats {
  const sorted = [...waits].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? 0 };
}

/** Waits over the jobs both runs started (a job one policy never started is no wait of the other's). */
export function compareWaits(
  a: SimMetrics,
  b: SimMetrics,
): { jobs: number; neither: number; a: WaitStats; b: WaitStats } {
  const shared = [...a.waits.keys()].filter((id) => b.waits.has(id));
  const neither = a.jobs - new Set([...a.waits.keys(), ...b.waits.keys()]).size;
  return {
    jobs: shared.length,
    neither,
    a: waitStats(shared.map((id) => a.waits.get(id) ?? 0)),
    b: waitStats(shared.map((id) => b.waits.get(id) ?? 0)),
  };
}
