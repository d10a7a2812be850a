// Discrete-event simulation of one policy on one trace. Jobs arrive; the policy ticks (on its
// schedule, and on submissions if it is kicked); its actions are applied against a simulated
// provider (capacity windows, boot delays, pods that die while booting); workers poll, claim
// jobs in claim order, run them and exit when told. Pods cost money from creation to end.
import type { HardwareCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { findGpu } from "../../supabase/functions/_shared/hardware/catalog.ts";
import type {
  CreateWorkerAction,
  MarkLostAction,
  ScalingAction,
  ShutdownWorkerAction,
} from "../../supabase/functions/_shared/scaling/types.ts";
import { EventQueue } from "./event-queue.ts";
import type { SimPolicy } from "./policies.ts";
import { provision } from "./provision.ts";
import {
  buildSnapshot,
  canClaim,
  claimOrder,
  heartbeating,
  podAlive,
  type SimJob,
  type SimWorker,
  toSimJob,
} from "./sim-state.ts";
import type { SimTraceJob } from "./trace.ts";
import { World, type WorldOptions } from "./world.ts";

type SimEvent =
  | { at: number; type: "arrival"; job: SimJob }
  | { at: number; type: "tick"; scheduled: boolean }
  | { at: number; type: "boot" | "poll" | "exit" | "expire"; worker: SimWorker }
  | { at: number; type: "finish"; worker: SimWorker; job: SimJob };

export interface SimOptions {
  readonly world: WorldOptions;
  /** Starting + active workers per organization, for both policies… */
  readonly maxWorkersPerOrg: number;
  /** …unless listed here. */
  readonly orgMaxWorkers?: Readonly<Record<string, number>>;
  /** Stop this long after the last arrival even if work remains (reported as unserved). */
  readonly drainLimitSeconds: number;
}

export interface SimCounters {
  creates: number;
  createFailures: number;
  lost: number;
  /** Pods the provider stopped at their lifetime limit. */
  expired: number;
  idleShutdowns: number;
  orphanTerminations: number;
  ticks: number;
}

export interface SimResult {
  readonly policy: string;
  readonly jobs: readonly SimJob[];
  readonly workers: readonly SimWorker[];
  readonly endMs: number;
  readonly counters: SimCounters;
}

const KICK_DELAY_MS = 1000;

export class Simulation {
  private readonly world: World;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly jobs: SimJob[];
  private readonly pending: SimJob[] = [];
  private readonly workers = new Map<string, SimWorker>();
  private readonly workersByPod = new Map<string, SimWorker>();
  private readonly orgs: string[];
  private readonly createsPerJob = new Map<string, number>();
  private readonly counters: SimCounters = {
    creates: 0,
    createFailures: 0,
    lost: 0,
    expired: 0,
    idleShutdowns: 0,
    orphanTerminations: 0,
    ticks: 0,
  };
  private now = 0;
  private done = 0;
  private nextKickMs = -1;
  private workerSerial = 0;
  /** When the scaler's next create call can start (create calls of one tick run one after another). */
  private callClockMs = 0;
  private readonly referenceUsableVramGb: number;
  /** Jobs that arrived since the last tick, per organization × image (the snapshot's `arrivals`). */
  private arrivals = new Map<string, { organizationId: string; image: string; createdAt: number[] }>();

  constructor(
    trace: readonly SimTraceJob[],
    private readonly policy: SimPolicy,
    catalog: HardwareCatalog,
    private readonly options: SimOptions,
  ) {
    this.world = new World(options.world);
    this.jobs = trace.map((job) => toSimJob(job, catalog));
    this.orgs = [...new Set(this.jobs.map((job) => job.trace.org))].sort();
    this.referenceUsableVramGb = findGpu(catalog, options.world.speed.referenceGpu)?.usableVramGb ?? 75;
  }

  run(): SimResult {
    for (const job of this.jobs) this.queue.push({ at: job.arrivalMs, type: "arrival", job });
    this.queue.push({ at: 0, type: "tick", scheduled: true });
    const lastArrival = this.jobs.reduce((max, job) => Math.max(max, job.arrivalMs), 0);
    const limit = lastArrival + this.options.drainLimitSeconds * 1000;
    for (let event = this.queue.pop(); event; event = this.queue.pop()) {
      if (event.at > limit) break;
      this.now = event.at;
      this.handle(event);
      if (this.finished()) break;
    }
    this.now = Math.min(Math.max(this.now, 0), limit);
    // A run still going when the simulation stops is paid for and finished nothing.
    for (const worker of this.workers.values()) if (podAlive(worker.pod)) this.requeueRunning(worker);
    for (const worker of this.workers.values()) this.endPod(worker);
    return {
      policy: this.policy.name,
      jobs: this.jobs,
      workers: [...this.workers.values()],
      endMs: this.now,
      counters: this.counters,
    };
  }

  private finished(): boolean {
    if (this.done < this.jobs.length) return false;
    for (const worker of this.workers.values()) if (podAlive(worker.pod)) return false;
    return true;
  }

  private handle(event: SimEvent): void {
    switch (event.type) {
      case "arrival":
        this.arrive(event.job);
        return;
      case "tick":
        this.tick(event.scheduled);
        return;
      case "boot":
        this.boot(event.worker);
        return;
      case "poll":
        event.worker.pollAtMs = null;
        this.poll(event.worker);
        return;
      case "finish":
        this.finish(event.worker, event.job);
        return;
      case "exit":
        this.exit(event.worker);
        return;
      case "expire":
        this.expire(event.worker);
        return;
    }
  }

  private arrive(job: SimJob): void {
    job.state = "pending";
    const key = `${job.trace.org}\u0000${job.trace.image}`;
    const arrivals = this.arrivals.get(key) ?? {
      organizationId: job.trace.org,
      image: job.trace.image,
      createdAt: [],
    };
    arrivals.createdAt.push(job.arrivalMs);
    this.arrivals.set(key, arrivals);
    this.enqueue(job);
    for (const worker of this.workers.values()) this.schedulePoll(worker);
    if (this.policy.kickOnSubmit && this.nextKickMs < this.now) {
      this.nextKickMs = this.now + KICK_DELAY_MS;
      this.queue.push({ at: this.nextKickMs, type: "tick", scheduled: false });
    }
  }

  private enqueue(job: SimJob): void {
    let index = this.pending.length;
    while (index > 0 && claimOrder(this.pending[index - 1] as SimJob, job) > 0) index--;
    this.pending.splice(index, 0, job);
  }

  private tick(scheduled: boolean): void {
    this.counters.ticks += 1;
    if (scheduled)
      this.queue.push({ at: this.now + this.policy.tickSeconds * 1000, type: "tick", scheduled: true });
    const snapshot = buildSnapshot(
      {
        pending: this.pending,
        workers: this.workers.values(),
        orgs: this.orgs,
        maxWorkers: (org) => this.options.orgMaxWorkers?.[org] ?? this.options.maxWorkersPerOrg,
        cooldowns: this.policy.cooldowns(),
        keepWarm: this.policy.keepWarm(),
        arrivals: [...this.arrivals.values()],
      },
      this.now,
    );
    this.callClockMs = this.now;
    this.arrivals = new Map();
    for (const action of this.policy.plan(snapshot, this.now)) this.apply(action);
  }

  private apply(action: ScalingAction): void {
    switch (action.kind) {
      case "create_worker":
        this.create(action);
        return;
      case "shutdown_worker":
        this.shutdown(action);
        return;
      case "mark_lost":
        this.markLost(action);
        return;
      case "terminate_pod": {
        const worker = this.workersByPod.get(action.podId);
        if (worker && podAlive(worker.pod)) {
          this.counters.orphanTerminations += 1;
          this.crash(worker);
        }
        return;
      }
      case "update_keep_warm":
        this.policy.recordKeepWarm(action);
        return;
      case "deferred":
      case "unschedulable":
        return;
    }
  }

  private create(action: CreateWorkerAction): void {
    const key = action.jobIds[0] ?? `anon-${this.workerSerial}`;
    const attempt = this.createsPerJob.get(key) ?? 0;
    this.createsPerJob.set(key, attempt + 1);
    const workerKey = `${key}#${attempt}`;
    const result = provision(
      this.world,
      this.policy,
      action,
      Math.max(this.now, this.callClockMs),
      workerKey,
    );
    this.callClockMs = result.doneMs;
    this.counters.createFailures += result.refusals;
    const choice = result.choice;
    if (!choice) return;
    this.counters.creates += 1;
    const startMs = result.doneMs;
    const id = `w${String(++this.workerSerial).padStart(5, "0")}`;
    const worker: SimWorker = {
      id,
      org: action.organizationId,
      image: action.image,
      hardware: choice,
      createdMs: startMs,
      pod: {
        id: `pod-${id}`,
        workerId: id,
        costPerHour: choice.costPerHour,
        gpuCount: choice.count,
        startMs,
        endMs: null,
      },
      status: "starting",
      booted: false,
      readyMs: null,
      busyMs: 0,
      exited: false,
      lastHeartbeatMs: null,
      lastActiveMs: startMs,
      shutdownRequestedMs: null,
      job: null,
      pollAtMs: null,
      pollPhaseMs: this.world.pollPhaseMs(workerKey),
      bootFails: this.world.bootFails(workerKey),
    };
    this.workers.set(id, worker);
    this.workersByPod.set(worker.pod.id, worker);
    this.queue.push({ at: startMs + this.world.bootMs(workerKey, action.image), type: "boot", worker });
    const lifetime = this.options.world.podLifetimeHours * 3_600_000;
    if (lifetime > 0) this.queue.push({ at: startMs + lifetime, type: "expire", worker });
  }

  /** The provider stops the pod (lifetime limit); its row stays until the scaler notices. */
  private expire(worker: SimWorker): void {
    if (!podAlive(worker.pod)) return;
    this.counters.expired += 1;
    this.requeueRunning(worker);
    worker.lastHeartbeatMs = heartbeating(worker) ? this.now : worker.lastHeartbeatMs;
    worker.exited = true;
    this.endPod(worker);
  }

  private boot(worker: SimWorker): void {
    if (!podAlive(worker.pod) || worker.exited) return;
    if (worker.bootFails) {
      this.endPod(worker); // the pod vanishes before the worker registers
      return;
    }
    worker.booted = true;
    worker.readyMs = this.now;
    if (worker.shutdownRequestedMs !== null) {
      this.exit(worker);
      return;
    }
    worker.status = "active";
    this.poll(worker);
  }

  private schedulePoll(worker: SimWorker): void {
    if (!heartbeating(worker) || worker.job || worker.status !== "active" || worker.pollAtMs !== null) return;
    const period = this.options.world.pollSeconds * 1000;
    const since = (((this.now - worker.pollPhaseMs) % period) + period) % period;
    worker.pollAtMs = this.now + (since === 0 ? 0 : period - since);
    this.queue.push({ at: worker.pollAtMs, type: "poll", worker });
  }

  private poll(worker: SimWorker): void {
    if (!heartbeating(worker) || worker.job || worker.status !== "active") return;
    const index = this.pending.findIndex((job) => canClaim(worker, job));
    const job = this.pending[index];
    if (!job) return;
    this.pending.splice(index, 1);
    job.state = "running";
    job.firstStartMs ??= this.now;
    worker.job = job;
    worker.lastActiveMs = this.now;
    const runMs = this.world.runMs(
      job.durationMs,
      { vramGb: job.trace.vramGb, workload: job.workload },
      worker.hardware,
      this.referenceUsableVramGb,
    );
    this.queue.push({ at: this.now + runMs, type: "finish", worker, job });
  }

  private finish(worker: SimWorker, job: SimJob): void {
    if (worker.job !== job) return; // the worker was lost meanwhile; the job was requeued
    job.state = "done";
    job.finishedMs = this.now;
    job.finishedOnGpus = worker.hardware.count;
    job.ranMs = this.now - worker.lastActiveMs;
    job.finishedUsd = (job.ranMs / 3_600_000) * worker.pod.costPerHour;
    job.finishedOn = worker.hardware.hardwareType;
    worker.busyMs += job.ranMs;
    this.done += 1;
    worker.job = null;
    worker.lastActiveMs = this.now;
    if (worker.shutdownRequestedMs !== null) this.exit(worker);
    else this.poll(worker);
  }

  private shutdown(action: ShutdownWorkerAction): void {
    const worker = this.workers.get(action.workerId);
    if (!worker || worker.status === "terminated" || worker.status === "lost") return;
    this.counters.idleShutdowns += 1;
    worker.status = "shutdown";
    worker.shutdownRequestedMs ??= this.now;
    if (action.terminateNow && !worker.job) {
      worker.exited = true;
      worker.status = "terminated";
      this.endPod(worker);
      return;
    }
    if (worker.booted && !worker.job) {
      this.queue.push({
        at: this.now + this.options.world.shutdownNoticeSeconds * 1000,
        type: "exit",
        worker,
      });
    }
  }

  private exit(worker: SimWorker): void {
    if (worker.exited) return;
    worker.exited = true;
    worker.lastHeartbeatMs = this.now;
    if (this.policy.workerExit === "report") {
      worker.status = "terminated"; // the scaler terminates the pod on its next tick
    } else {
      this.endPod(worker); // the original's worker terminates its own pod; the row stays `shutdown`
    }
  }

  private markLost(action: MarkLostAction): void {
    const worker = this.workers.get(action.workerId);
    if (!worker) return;
    // A worker that already exited (the original's self-terminated `shutdown` rows) is reaped, not lost.
    if (!worker.exited) this.counters.lost += 1;
    if (action.cooldownGpu) this.policy.onStartupFailure(worker.org, action.cooldownGpu, this.now);
    worker.status = "lost";
    this.crash(worker);
  }

  /** The pod ends now; a job it was running goes back to the queue. */
  private crash(worker: SimWorker): void {
    this.requeueRunning(worker);
    if (!worker.exited) worker.lastHeartbeatMs = heartbeating(worker) ? this.now : worker.lastHeartbeatMs;
    worker.exited = true;
    if (worker.status !== "lost") worker.status = "terminated";
    this.endPod(worker);
  }

  /**
   * A job the worker was running goes back to the queue (its lease expires; the reaper requeues
   * it); the run's time is paid for and counted as wasted.
   */
  private requeueRunning(worker: SimWorker): void {
    if (!worker.job) return;
    worker.busyMs += this.now - worker.lastActiveMs;
    worker.job.wastedUsd += ((this.now - worker.lastActiveMs) / 3_600_000) * worker.pod.costPerHour;
    worker.job.state = "pending";
    this.enqueue(worker.job);
    worker.job = null;
  }

  private endPod(worker: SimWorker): void {
    if (podAlive(worker.pod)) worker.pod.endMs = this.now;
  }
}
