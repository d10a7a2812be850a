// Idle capacity first: pending jobs that a live, idle worker (or one still starting, which will
// be idle) of the same org and image can take need no new worker. The prediction mirrors the
// claim: each idle worker, smallest first, takes the first fitting job in claim order (priority,
// then age). Workers claim in their own order in reality; a mismatch costs at most one tick.
import type { HardwareCatalog } from "../hardware/catalog.ts";
import { type ConstraintCache, fits, type WorkerCapacity, workerCapacity } from "./placement.ts";
import { claimOrder } from "./queue-order.ts";
import type { PendingJob, WorkerState } from "./types.ts";

interface IdleWorker {
  readonly worker: WorkerState;
  readonly capacity: WorkerCapacity;
}

export interface Absorption {
  /** Job id → id of the worker expected to take it. */
  readonly assigned: ReadonlyMap<string, string>;
  /** Workers expected to take a job this tick. */
  readonly busyNext: ReadonlySet<string>;
}

function bucketKey(organizationId: string, image: string): string {
  return `${organizationId}\u0000${image}`;
}

function compareIdle(a: IdleWorker, b: IdleWorker): number {
  return (
    a.capacity.vramGb - b.capacity.vramGb ||
    a.worker.costPerHour - b.worker.costPerHour ||
    (a.worker.id < b.worker.id ? -1 : a.worker.id > b.worker.id ? 1 : 0)
  );
}

/** `idle`: starting/active workers with no run that stay this tick. */
export function absorbPendingJobs(
  jobs: readonly PendingJob[],
  idle: readonly WorkerState[],
  constraints: ConstraintCache,
  catalog: HardwareCatalog,
): Absorption {
  const idleByBucket = new Map<string, IdleWorker[]>();
  for (const worker of idle) {
    const key = bucketKey(worker.organizationId, worker.image);
    const list = idleByBucket.get(key) ?? [];
    list.push({ worker, capacity: workerCapacity(worker, catalog) });
    idleByBucket.set(key, list);
  }
  const jobsByBucket = new Map<string, PendingJob[]>();
  for (const job of jobs) {
    const key = bucketKey(job.organizationId, job.image);
    if (!idleByBucket.has(key)) continue;
    const list = jobsByBucket.get(key) ?? [];
    list.push(job);
    jobsByBucket.set(key, list);
  }
  const assigned = new Map<string, string>();
  const busyNext = new Set<string>();
  for (const [key, bucketJobs] of jobsByBucket) {
    bucketJobs.sort(claimOrder);
    const workers = (idleByBucket.get(key) ?? []).sort(compareIdle);
    matchBucket(bucketJobs, workers, constraints, assigned, busyNext);
  }
  return { assigned, busyNext };
}

function matchBucket(
  jobs: readonly PendingJob[],
  workers: readonly IdleWorker[],
  constraints: ConstraintCache,
  assigned: Map<string, string>,
  busyNext: Set<string>,
): void {
  const taken = new Uint8Array(jobs.length);
  let firstOpen = 0;
  for (const { worker, capacity } of workers) {
    while (firstOpen < jobs.length && taken[firstOpen]) firstOpen++;
    if (firstOpen >= jobs.length) return;
    for (let i = firstOpen; i < jobs.length; i++) {
      const job = jobs[i];
      if (!job || taken[i] || !fits(constraints.fitOf(job), capacity)) continue;
      taken[i] = 1;
      assigned.set(job.id, worker.id);
      busyNext.add(worker.id);
      break;
    }
  }
}
