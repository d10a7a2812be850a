// Fleet health: which workers are lost (silent, never started, stuck shutting down, pod gone)
// and which provider pods are orphans. Reconciliation only trusts a provider's pod list when the
// snapshot says the list is complete, and only ever names pods from that list or from worker rows,
// i.e. pods this deployment created.

import type { HardwareCatalog } from "../hardware/catalog.ts";
import { tryParseHardware } from "../hardware/hardware-string.ts";
import type { ScalingConfig } from "./config.ts";
import type {
  EpochMs,
  LostReason,
  MarkLostAction,
  ProviderPod,
  ScalingSnapshot,
  TerminatePodAction,
  WorkerState,
} from "./types.ts";

export function isLive(worker: WorkerState): boolean {
  return worker.status === "starting" || worker.status === "active" || worker.status === "shutdown";
}

function podKey(provider: string, podId: string): string {
  return `${provider}\u0000${podId}`;
}

function byId<T extends { readonly id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface PodView {
  readonly listed: ReadonlySet<string>;
  /** Pods that are still up (starting or running), by provider+podId. */
  readonly alive: ReadonlySet<string>;
}

function podView(snapshot: ScalingSnapshot): PodView {
  const listed = new Set<string>(snapshot.listedProviders);
  const alive = new Set<string>();
  for (const pod of snapshot.providerPods) {
    if (pod.status === "starting" || pod.status === "running") alive.add(podKey(pod.provider, pod.podId));
  }
  return { listed, alive };
}

function lostReason(
  worker: WorkerState,
  pods: PodView,
  config: ScalingConfig,
  now: EpochMs,
): LostReason | null {
  const age = now - worker.createdAt;
  if (
    worker.podId !== null &&
    pods.listed.has(worker.provider) &&
    !pods.alive.has(podKey(worker.provider, worker.podId)) &&
    age > config.podMissingGraceSeconds * 1000
  ) {
    return "pod_missing";
  }
  if (worker.status === "starting" && worker.lastHeartbeatAt === null) {
    return age > config.startupTimeoutSeconds * 1000 ? "startup_timeout" : null;
  }
  const askedAt = worker.shutdownRequestedAt ?? null;
  if (
    worker.status === "shutdown" &&
    askedAt !== null &&
    now - askedAt > config.shutdownTimeoutSeconds * 1000
  ) {
    return "shutdown_timeout";
  }
  const heard = worker.lastHeartbeatAt ?? worker.createdAt;
  return now - heard > config.heartbeatTimeoutSeconds * 1000 ? "heartbeat_timeout" : null;
}

/** Workers to declare lost, in id order. A worker that never came up charges its GPU a failure. */
export function findLostWorkers(
  snapshot: ScalingSnapshot,
  catalog: HardwareCatalog,
  config: ScalingConfig,
  now: EpochMs,
): MarkLostAction[] {
  const pods = podView(snapshot);
  const actions: MarkLostAction[] = [];
  for (const worker of [...snapshot.workers].filter(isLive).sort(byId)) {
    const reason = lostReason(worker, pods, config, now);
    if (!reason) continue;
    const neverStarted = worker.status === "starting" && worker.lastHeartbeatAt === null;
    const gpu =
      neverStarted && worker.hardwareType ? tryParseHardware(worker.hardwareType, catalog)?.gpu : undefined;
    actions.push({
      kind: "mark_lost",
      workerId: worker.id,
      organizationId: worker.organizationId,
      podId: worker.podId,
      provider: worker.provider,
      reason,
      cooldownGpu: gpu ?? null,
    });
  }
  return actions;
}

function comparePods(a: ProviderPod, b: ProviderPod): number {
  return a.provider < b.provider
    ? -1
    : a.provider > b.provider
      ? 1
      : a.podId < b.podId
        ? -1
        : a.podId > b.podId
          ? 1
          : 0;
}

/**
 * Pods to terminate: no worker row claims them (after `orphanPodGraceSeconds`, so a pod created
 * moments before its row is written is spared), or their worker is terminated/lost. Pods of
 * workers marked lost this tick are left to the `mark_lost` action, which terminates them.
 */
export function findOrphanPods(
  snapshot: ScalingSnapshot,
  lost: readonly MarkLostAction[],
  config: ScalingConfig,
  now: EpochMs,
): TerminatePodAction[] {
  const listed = new Set<string>(snapshot.listedProviders);
  const workersById = new Map(snapshot.workers.map((worker) => [worker.id, worker]));
  const workersByPod = new Map<string, WorkerState>();
  for (const worker of snapshot.workers) {
    if (worker.podId !== null) workersByPod.set(podKey(worker.provider, worker.podId), worker);
  }
  const handled = new Set(lost.filter((a) => a.podId !== null).map((a) => podKey(a.provider, a.podId ?? "")));
  const actions: TerminatePodAction[] = [];
  for (const pod of [...snapshot.providerPods].sort(comparePods)) {
    const key = podKey(pod.provider, pod.podId);
    if (pod.status === "terminated" || !listed.has(pod.provider) || handled.has(key)) continue;
    const tagged = pod.workerId !== null ? workersById.get(pod.workerId) : undefined;
    const worker = workersByPod.get(key) ?? (tagged && tagged.podId === null ? tagged : undefined);
    if (worker && isLive(worker)) continue;
    if (worker) {
      actions.push({
        kind: "terminate_pod",
        podId: pod.podId,
        provider: pod.provider,
        workerId: worker.id,
        reason: "worker_gone",
      });
      continue;
    }
    const young = pod.createdAt !== null && now - pod.createdAt < config.orphanPodGraceSeconds * 1000;
    if (tagged && !isLive(tagged)) {
      actions.push({
        kind: "terminate_pod",
        podId: pod.podId,
        provider: pod.provider,
        workerId: tagged.id,
        reason: "worker_gone",
      });
    } else if (!young) {
      actions.push({
        kind: "terminate_pod",
        podId: pod.podId,
        provider: pod.provider,
        workerId: pod.workerId,
        reason: "no_worker",
      });
    }
  }
  return actions;
}
