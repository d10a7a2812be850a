import type { Arrivals, KeepWarmState, UpdateKeepWarmAction } from "./keep-warm.ts";

export type { Arrivals, KeepWarmState, UpdateKeepWarmAction };

// What the scaler knows (ScalingSnapshot) and what it may decide (ScalingAction).
// Every time is epoch milliseconds (`EpochMs`): from SQL, `extract(epoch from t) * 1000` or
// `date.getTime()`. Money is USD, VRAM GB, durations in config are seconds.

export type EpochMs = number;
export type ProviderName = "runpod" | "local";
export type WorkerStatus = "starting" | "active" | "shutdown" | "terminated" | "lost";

export interface PendingJob {
  readonly id: string;
  readonly organizationId: string;
  /** Docker image: the routing key — a worker only runs jobs of its own image. */
  readonly image: string;
  readonly requiresVramGb: number;
  /** Hardware strings ("1x H100S") in the user's order of preference, or null for "any that fits". */
  readonly allowedHardware: readonly string[] | null;
  /** Higher runs first. */
  readonly priority: number;
  readonly createdAt: EpochMs;
  /** The job's `type` ("fine-tuning", "inference", …): decides training vs inference speed. */
  readonly jobType?: string | null;
  /** The user's run limit, seconds: hardware expected to take longer is passed over. */
  readonly timeoutSeconds?: number | null;
}

export interface WorkerState {
  readonly id: string;
  readonly organizationId: string;
  readonly provider: ProviderName;
  readonly podId: string | null;
  readonly status: WorkerStatus;
  readonly image: string;
  /** Canonical hardware string ("1x H100S"), or null when unknown (e.g. a CPU-only local worker). */
  readonly hardwareType: string | null;
  readonly gpuCount: number;
  /** VRAM the worker reported (0 until it registers; the catalog's figure is used meanwhile). */
  readonly vramGb: number;
  readonly costPerHour: number;
  readonly createdAt: EpochMs;
  readonly lastHeartbeatAt: EpochMs | null;
  /** Runs in progress on this worker (0 or 1 today). */
  readonly runningJobs: number;
  /** Last time a run started or finished on it; `createdAt` if none yet. */
  readonly lastActiveAt: EpochMs;
  /** When the scaler (or a user) asked it to shut down; null/absent if never. */
  readonly shutdownRequestedAt?: EpochMs | null;
}

/**
 * One row of `hardware_cooldowns`. Keyed by (organizationId, gpu) where `gpu` is the catalog's
 * canonical SHORT NAME ("H100S"), so a cooldown covers every count of that GPU type: RunPod's
 * "no instances available" is about the type in the chosen cloud, and the first rung is short.
 * `organizationId: null` is a deployment-wide cooldown that applies to every organization.
 */
export interface HardwareCooldown {
  readonly organizationId: string | null;
  readonly gpu: string;
  /** Cooldowns applied since the last success (rung of the ladder the next one uses). */
  readonly level: number;
  /** Consecutive failures not yet turned into a cooldown. */
  readonly failures: number;
  /** Cooling down until then; null or past = usable. */
  readonly until: EpochMs | null;
}

export interface OrganizationLimits {
  readonly organizationId: string;
  /** Starting + active workers at most (workers already shutting down do not count). */
  readonly maxWorkers: number;
  /** Sum of `costPerHour` of the org's live pods at most; null = no cap. */
  readonly maxHourlyUsd: number | null;
  /** Spend per UTC day at most; null = no cap. */
  readonly maxDailyUsd: number | null;
  /** Spent so far today (pod-seconds × price), as the database accounts it. */
  readonly spentTodayUsd: number;
  /** Set after a provider spending-limit error; no new workers until then. */
  readonly provisioningPausedUntil: EpochMs | null;
}

/** A pod the provider's list returned. Only pods this deployment created (tagged) belong here. */
export interface ProviderPod {
  readonly podId: string;
  readonly provider: ProviderName;
  /** Worker id the pod was tagged with at creation (env/name), if readable. */
  readonly workerId: string | null;
  /** `terminated` pods are ignored; anything else may still cost money. */
  readonly status: "starting" | "running" | "exited" | "terminated";
  readonly createdAt: EpochMs | null;
}

export interface ScalingSnapshot {
  readonly pendingJobs: readonly PendingJob[];
  /** Workers not yet terminated/lost, plus recently terminated/lost ones (for reconciliation). */
  readonly workers: readonly WorkerState[];
  readonly cooldowns: readonly HardwareCooldown[];
  /** Organizations without a row get `config.defaultMaxWorkers` and no budget caps. */
  readonly limits: readonly OrganizationLimits[];
  readonly providerPods: readonly ProviderPod[];
  /**
   * Providers whose pod list above is complete this tick. Pods are reconciled (orphans
   * terminated, vanished pods' workers marked lost) only for these; leave a provider out when
   * listing it failed, so an outage never looks like every pod vanished.
   */
  readonly listedProviders: readonly ProviderName[];
  /** Learned keep-warm state per organization × image (`keep_warm_state` rows); absent = none. */
  readonly keepWarm?: readonly KeepWarmState[];
  /** Jobs created since each organization × image's `lastArrivalAt` (all of them when it has no row). */
  readonly arrivals?: readonly Arrivals[];
}

/** One concrete pod shape the applier may rent. */
export interface HardwareChoice {
  readonly gpu: string;
  readonly count: number;
  readonly hardwareType: string;
  readonly runpodGpuTypeId: string;
  readonly vramGb: number;
  readonly costPerHour: number;
}

export type LostReason = "heartbeat_timeout" | "startup_timeout" | "shutdown_timeout" | "pod_missing";
export type ShutdownReason = "idle" | "make_room" | "daily_budget_exhausted";
export type DeferReason =
  | "max_workers"
  | "hourly_budget"
  | "daily_budget"
  | "provisioning_paused"
  | "hardware_cooling_down"
  | "create_cap";
export type UnschedulableReason = "no_hardware_fits" | "unknown_hardware" | "exceeds_budget";

export interface CreateWorkerAction {
  readonly kind: "create_worker";
  readonly organizationId: string;
  readonly image: string;
  readonly provider: ProviderName;
  /** First choice. */
  readonly hardware: HardwareChoice;
  /**
   * Try these in order if the provider refuses `hardware` (no capacity): every one is outside
   * cooldown and within the org's budgets even if used instead of the first choice.
   */
  readonly fallbacks: readonly HardwareChoice[];
  /** The pending jobs this worker is meant for (it may claim any matching job). */
  readonly jobIds: readonly string[];
  readonly estimatedCostPerHour: number;
  readonly reason: string;
}

export interface ShutdownWorkerAction {
  readonly kind: "shutdown_worker";
  readonly workerId: string;
  readonly organizationId: string;
  readonly reason: ShutdownReason;
  /**
   * The worker had no run in progress: the applier should set its row to `shutdown` only if it
   * still has none (one fenced UPDATE; a `shutdown` worker can no longer claim), and if that row
   * changed, terminate its pod at once — nothing runs there, so waiting for the worker to notice
   * on its next heartbeat and exit would only bill idle time. If the fenced update finds a run
   * (the worker claimed a job since the snapshot), do nothing: the next tick sees it busy.
   * False for a busy worker (daily budget): set `shutdown`; the worker stops claiming, gives its
   * run the shutdown grace, reports what could not finish (requeued) and exits.
   */
  readonly terminateNow: boolean;
}

export interface MarkLostAction {
  readonly kind: "mark_lost";
  readonly workerId: string;
  readonly organizationId: string;
  /** Terminate this pod too (null: the worker never got one). */
  readonly podId: string | null;
  readonly provider: ProviderName;
  readonly reason: LostReason;
  /** The worker never came up: record a `startup_timeout` failure for this GPU (see nextCooldown). */
  readonly cooldownGpu: string | null;
}

export interface TerminatePodAction {
  readonly kind: "terminate_pod";
  readonly podId: string;
  readonly provider: ProviderName;
  readonly workerId: string | null;
  readonly reason: "no_worker" | "worker_gone";
}

/** Diagnostic: these jobs wait for a reason the user may want to see. No side effect needed. */
export interface DeferredAction {
  readonly kind: "deferred";
  readonly organizationId: string;
  readonly image: string;
  readonly reason: DeferReason;
  readonly jobIds: readonly string[];
}

/** Diagnostic: no hardware the scaler may rent can ever run these jobs as they are. */
export interface UnschedulableAction {
  readonly kind: "unschedulable";
  readonly organizationId: string;
  readonly image: string;
  readonly reason: UnschedulableReason;
  readonly jobIds: readonly string[];
}

export type ScalingAction =
  | UpdateKeepWarmAction
  | CreateWorkerAction
  | ShutdownWorkerAction
  | MarkLostAction
  | TerminatePodAction
  | DeferredAction
  | UnschedulableAction;
