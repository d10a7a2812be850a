// Builders for policy tests: small literal snapshots with sensible defaults.
import type {
  HardwareCooldown,
  OrganizationLimits,
  PendingJob,
  ProviderPod,
  ScalingAction,
  ScalingSnapshot,
  WorkerState,
} from "../../supabase/functions/_shared/scaling/types.ts";

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const sec = (s: number) => s * 1000;

export function job(id: string, overrides: Partial<PendingJob> = {}): PendingJob {
  return {
    id,
    organizationId: "org-a",
    image: "ow-unsloth",
    requiresVramGb: 24,
    allowedHardware: null,
    priority: 0,
    createdAt: T0 - sec(60),
    ...overrides,
  };
}

export function worker(id: string, overrides: Partial<WorkerState> = {}): WorkerState {
  return {
    id,
    organizationId: "org-a",
    provider: "runpod",
    podId: `pod-${id}`,
    status: "active",
    image: "ow-unsloth",
    hardwareType: "1x A40",
    gpuCount: 1,
    vramGb: 44,
    costPerHour: 0.44,
    createdAt: T0 - sec(3600),
    lastHeartbeatAt: T0 - sec(5),
    runningJobs: 0,
    lastActiveAt: T0 - sec(10),
    shutdownRequestedAt: null,
    ...overrides,
  };
}

export function limits(
  organizationId: string,
  overrides: Partial<OrganizationLimits> = {},
): OrganizationLimits {
  return {
    organizationId,
    maxWorkers: 8,
    maxHourlyUsd: null,
    maxDailyUsd: null,
    spentTodayUsd: 0,
    provisioningPausedUntil: null,
    ...overrides,
  };
}

export function cooldown(gpu: string, overrides: Partial<HardwareCooldown> = {}): HardwareCooldown {
  return { organizationId: "org-a", gpu, level: 1, failures: 0, until: T0 + sec(60), ...overrides };
}

export function pod(podId: string, overrides: Partial<ProviderPod> = {}): ProviderPod {
  return {
    podId,
    provider: "runpod",
    workerId: null,
    status: "running",
    createdAt: T0 - sec(3600),
    ...overrides,
  };
}

/** A snapshot whose pod list matches its live workers, unless `providerPods` is given. */
export function snapshot(parts: Partial<ScalingSnapshot> = {}): ScalingSnapshot {
  const workers = parts.workers ?? [];
  const derivedPods = workers
    .filter(
      (w) =>
        w.podId !== null && (w.status === "starting" || w.status === "active" || w.status === "shutdown"),
    )
    .map((w) => pod(w.podId ?? "", { workerId: w.id, provider: w.provider, createdAt: w.createdAt }));
  return {
    pendingJobs: parts.pendingJobs ?? [],
    workers,
    cooldowns: parts.cooldowns ?? [],
    limits: parts.limits ?? [],
    providerPods: parts.providerPods ?? derivedPods,
    listedProviders: parts.listedProviders ?? ["runpod", "local"],
    ...(parts.keepWarm ? { keepWarm: parts.keepWarm } : {}),
    ...(parts.arrivals ? { arrivals: parts.arrivals } : {}),
  };
}

export function ofKind<K extends ScalingAction["kind"]>(
  actions: readonly ScalingAction[],
  kind: K,
): Array<Extract<ScalingAction, { kind: K }>> {
  return actions.filter((a): a is Extract<ScalingAction, { kind: K }> => a.kind === kind);
}
