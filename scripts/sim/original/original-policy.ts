// The original OpenWeights organization manager (`org_manager.py`, v0.11), reimplemented
// faithfully from reference §5 for one purpose: to be the simulator's baseline. Never used by
// the scaler. Its known flaws are kept on purpose, marked ⚠:
//   ⚠ idle active workers are not subtracted from pending jobs (they are "expected to grab jobs");
//   ⚠ `available_slots` is not decremented across groups or images, so MAX_WORKERS can be exceeded;
//   ⚠ `shutdown` workers count toward MAX_WORKERS;
//   ⚠ only 1× configurations are auto-selected; a batch is sized by its largest job and uses the
//     first job's `allowed_hardware`;
//   ⚠ a worker is never idle in its first 600 s, then only after 300 s without a run.
// Runs once per organization, as each org had its own manager process; state that the original
// keeps in memory (cooldowns, spending pause) lives in an `OriginalRegistry` the caller keeps.
import type { HardwareCatalog } from "../../../supabase/functions/_shared/hardware/catalog.ts";
import { findConfig } from "../../../supabase/functions/_shared/hardware/catalog.ts";
import { tryParseHardware } from "../../../supabase/functions/_shared/hardware/hardware-string.ts";
import { toChoice } from "../../../supabase/functions/_shared/scaling/placement.ts";
import type {
  EpochMs,
  HardwareChoice,
  MarkLostAction,
  PendingJob,
  ScalingAction,
  ScalingSnapshot,
  WorkerState,
} from "../../../supabase/functions/_shared/scaling/types.ts";
import type { OriginalRegistry } from "./original-registry.ts";

export const ORIGINAL_CONSTANTS = {
  pollIntervalSeconds: 15,
  idleThresholdSeconds: 300,
  startupThresholdSeconds: 600,
  unresponsiveThresholdSeconds: 120,
  maxWorkers: 8,
};
export type OriginalConstants = typeof ORIGINAL_CONSTANTS;

interface OrgView {
  readonly organizationId: string;
  readonly running: WorkerState[];
  readonly pending: PendingJob[];
  readonly maxWorkers: number;
}

/** One pass of every organization's manager loop, in organization id order. */
export function planOriginal(
  snapshot: ScalingSnapshot,
  catalog: HardwareCatalog,
  registry: OriginalRegistry,
  now: EpochMs,
  constants: OriginalConstants = ORIGINAL_CONSTANTS,
): ScalingAction[] {
  const actions: ScalingAction[] = [];
  for (const view of orgViews(snapshot, constants)) {
    if (view.pending.length > 0) actions.push(...scaleWorkers(view, catalog, registry, now));
    const lost = unresponsive(view.running, now, constants);
    actions.push(...lost);
    const lostIds = new Set(lost.map((action) => action.workerId));
    for (const worker of view.running) {
      if (worker.status === "shutdown" || lostIds.has(worker.id) || !isIdle(worker, now, constants)) continue;
      actions.push({
        kind: "shutdown_worker",
        workerId: worker.id,
        organizationId: worker.organizationId,
        reason: "idle",
        terminateNow: false,
      });
    }
  }
  return actions;
}

function orgViews(snapshot: ScalingSnapshot, constants: OriginalConstants): OrgView[] {
  const views = new Map<string, OrgView>();
  const limits = new Map(snapshot.limits.map((row) => [row.organizationId, row.maxWorkers]));
  const view = (organizationId: string) => {
    let found = views.get(organizationId);
    if (!found) {
      const maxWorkers = limits.get(organizationId) ?? constants.maxWorkers;
      found = { organizationId, running: [], pending: [], maxWorkers };
      views.set(organizationId, found);
    }
    return found;
  };
  for (const job of snapshot.pendingJobs) view(job.organizationId).pending.push(job);
  for (const worker of snapshot.workers) {
    const running =
      worker.status === "active" || worker.status === "starting" || worker.status === "shutdown";
    if (running) view(worker.organizationId).running.push(worker);
    else view(worker.organizationId);
  }
  for (const v of views.values()) {
    // ORDER BY requires_vram_gb DESC, created_at ASC
    v.pending.sort((a, b) => b.requiresVramGb - a.requiresVramGb || a.createdAt - b.createdAt);
  }
  return [...views.values()].sort((a, b) => (a.organizationId < b.organizationId ? -1 : 1));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** `scale_workers`: per image, per sorted(allowed_hardware) group, n = min(jobs − starting, slots). */
function scaleWorkers(
  view: OrgView,
  catalog: HardwareCatalog,
  registry: OriginalRegistry,
  now: EpochMs,
): ScalingAction[] {
  if (registry.isSpendingPaused(view.organizationId, now)) return [];
  const actions: ScalingAction[] = [];
  const availableSlots = view.maxWorkers - view.running.length; // ⚠ never decremented below
  for (const [image, imageJobs] of groupBy(view.pending, (job) => job.image)) {
    const starting = view.running.filter((w) => w.status === "starting" && w.image === image).length;
    const groups = groupBy(imageJobs, (job) =>
      job.allowedHardware && job.allowedHardware.length > 0
        ? [...job.allowedHardware].sort().join("\u0000")
        : "",
    );
    for (const groupJobs of groups.values()) {
      const n = Math.min(groupJobs.length - starting, availableSlots);
      if (n <= 0) continue;
      const sorted = [...groupJobs].sort((a, b) => b.requiresVramGb - a.requiresVramGb);
      for (let i = 0; i < n; i++) {
        const batch = sorted.filter((_, index) => index % n === i);
        const action = startWorker(view.organizationId, image, batch, catalog, registry, now);
        if (action) actions.push(action);
      }
    }
  }
  return actions;
}

function startWorker(
  organizationId: string,
  image: string,
  batch: readonly PendingJob[],
  catalog: HardwareCatalog,
  registry: OriginalRegistry,
  now: EpochMs,
): ScalingAction | null {
  const maxVram = Math.max(...batch.map((job) => job.requiresVramGb || 0));
  const allowed = batch[0]?.allowedHardware ?? null;
  const choices: HardwareChoice[] = [];
  for (const hw of registry.candidates(organizationId, maxVram, allowed, catalog, now)) {
    const parsed = tryParseHardware(hw, catalog);
    const config = parsed ? findConfig(catalog, parsed.gpu, parsed.count) : undefined;
    if (config) choices.push(toChoice(config));
  }
  const [hardware, ...fallbacks] = choices;
  if (!hardware) return null; // the original logs the cooldowns in effect and skips
  return {
    kind: "create_worker",
    organizationId,
    image,
    provider: "runpod",
    hardware,
    fallbacks,
    jobIds: batch.map((job) => job.id),
    estimatedCostPerHour: hardware.costPerHour,
    reason: `original: batch of ${batch.length} job(s), max ${maxVram} GB`,
  };
}

/** `clean_up_unresponsive_workers`: 600 s since ping when starting, else 120 s (ping = creation until it pings). */
function unresponsive(
  running: readonly WorkerState[],
  now: EpochMs,
  constants: OriginalConstants,
): MarkLostAction[] {
  const actions: MarkLostAction[] = [];
  for (const worker of running) {
    const starting = worker.status === "starting";
    const threshold = starting ? constants.startupThresholdSeconds : constants.unresponsiveThresholdSeconds;
    const ping = worker.lastHeartbeatAt ?? worker.createdAt;
    if (now - ping <= threshold * 1000) continue;
    actions.push({
      kind: "mark_lost",
      workerId: worker.id,
      organizationId: worker.organizationId,
      podId: worker.podId,
      provider: worker.provider,
      reason: starting ? "startup_timeout" : "heartbeat_timeout",
      cooldownGpu: null,
    });
  }
  return actions;
}

/** `get_idle_workers`: has a pod, created ≥ 600 s ago, no run in progress, last run updated > 300 s ago. */
function isIdle(worker: WorkerState, now: EpochMs, constants: OriginalConstants): boolean {
  if (worker.podId === null) return false;
  if (now - worker.createdAt < constants.startupThresholdSeconds * 1000) return false;
  return worker.runningJobs === 0 && now - worker.lastActiveAt > constants.idleThresholdSeconds * 1000;
}
