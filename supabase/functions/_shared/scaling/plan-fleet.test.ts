// planScaling: idle capacity, idle shutdown, lost workers, orphan pods.
import { describe, expect, it } from "vitest";
import {
  job,
  limits,
  ofKind,
  pod,
  sec,
  snapshot,
  T0,
  worker,
} from "../../../../tests/support/scaling-fixtures.ts";
import { defaultCatalog } from "../hardware/catalog.ts";
import { defaultScalingConfig } from "./config.ts";
import { planScaling } from "./plan.ts";
import type { ScalingSnapshot } from "./types.ts";

const config = defaultScalingConfig;
const plan = (parts: Partial<ScalingSnapshot>, now = T0) =>
  planScaling(snapshot(parts), defaultCatalog, config, now);
const booting = (id: string, ageSeconds: number, overrides = {}) =>
  worker(id, {
    status: "starting",
    lastHeartbeatAt: null,
    vramGb: 0,
    createdAt: T0 - sec(ageSeconds),
    lastActiveAt: T0 - sec(ageSeconds),
    ...overrides,
  });

describe("idle capacity absorbs pending jobs first", () => {
  it("creates nothing for a job an idle matching worker can take, and keeps that worker", () => {
    const actions = plan({
      pendingJobs: [job("j")],
      workers: [worker("w", { lastActiveAt: T0 - sec(3600) })],
    });
    expect(actions.filter((a) => a.kind !== "deferred")).toEqual([]);
  });

  it("counts starting workers as capacity that will be idle", () => {
    const actions = plan({ pendingJobs: [job("j1"), job("j2")], workers: [booting("w", 30)] });
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds)).toHaveLength(1);
  });

  it("does not count busy or shutting-down workers, or workers of another org or image", () => {
    const workers = [
      worker("busy", { runningJobs: 1 }),
      worker("leaving", { status: "shutdown", shutdownRequestedAt: T0 - sec(5) }),
      worker("other-org", { organizationId: "org-b" }),
      worker("other-image", { image: "ow-vllm" }),
    ];
    expect(ofKind(plan({ pendingJobs: [job("j")], workers }), "create_worker")).toHaveLength(1);
  });

  it("matches on VRAM, or on the exact hardware when the job names it", () => {
    const workers = [worker("a40", { hardwareType: "1x A40", vramGb: 44 })];
    const tooBig = plan({ pendingJobs: [job("j", { requiresVramGb: 70 })], workers });
    expect(ofKind(tooBig, "create_worker")).toHaveLength(1);
    const named = plan({ pendingJobs: [job("j", { allowedHardware: ["1x H100S"] })], workers });
    expect(ofKind(named, "create_worker")).toHaveLength(1);
    const namedMatch = plan({ pendingJobs: [job("j", { allowedHardware: ["1x h200", "1x a40"] })], workers });
    expect(ofKind(namedMatch, "create_worker")).toHaveLength(0);
  });

  it("uses the catalog's VRAM for a worker that has not reported any yet", () => {
    const actions = plan({
      pendingJobs: [job("j", { requiresVramGb: 70 })],
      workers: [booting("w", 30, { hardwareType: "1x A100" })],
    });
    expect(ofKind(actions, "create_worker")).toHaveLength(0);
  });

  it("lets the smallest idle worker take the first job it fits, leaving big workers for big jobs", () => {
    const workers = [
      worker("big", {
        hardwareType: "1x H200",
        vramGb: 136,
        costPerHour: 3.59,
        lastActiveAt: T0 - sec(3600),
      }),
      worker("small", { hardwareType: "1x A40", vramGb: 44, lastActiveAt: T0 - sec(3600) }),
    ];
    const pendingJobs = [
      job("small-job", { createdAt: T0 - sec(100) }),
      job("big-job", { requiresVramGb: 120, createdAt: T0 - sec(50) }),
    ];
    const actions = plan({ pendingJobs, workers });
    expect(actions.filter((a) => a.kind === "create_worker" || a.kind === "shutdown_worker")).toEqual([]);
  });

  it("gives one job to one worker", () => {
    const actions = plan({ pendingJobs: [job("a"), job("b"), job("c")], workers: [worker("w")] });
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds[0])).toEqual(["b", "c"]);
  });
});

describe("idle shutdown", () => {
  it("shuts down a worker idle past the idle timeout when no job needs it", () => {
    const idleFor = config.idleTimeoutSeconds;
    const stale = plan({ workers: [worker("w", { lastActiveAt: T0 - sec(idleFor) })] });
    expect(ofKind(stale, "shutdown_worker")).toEqual([
      {
        kind: "shutdown_worker",
        workerId: "w",
        organizationId: "org-a",
        reason: "idle",
        terminateNow: true,
      },
    ]);
    const fresh = plan({ workers: [worker("w", { lastActiveAt: T0 - sec(idleFor - 1) })] });
    expect(ofKind(fresh, "shutdown_worker")).toEqual([]);
  });

  it("spares a worker younger than the startup grace", () => {
    const young = worker("w", {
      createdAt: T0 - sec(config.startupGraceSeconds - 1),
      lastActiveAt: T0 - sec(3600),
    });
    expect(ofKind(plan({ workers: [young] }), "shutdown_worker")).toEqual([]);
  });

  it("never shuts down a busy worker as idle", () => {
    const busy = worker("w", { runningJobs: 1, lastActiveAt: T0 - sec(86400) });
    expect(ofKind(plan({ workers: [busy] }), "shutdown_worker")).toEqual([]);
  });

  it("lets the applier terminate an idle worker's pod at once, a booting one included", () => {
    const age = Math.max(config.startupGraceSeconds, config.idleTimeoutSeconds);
    expect(ofKind(plan({ workers: [booting("w", age)] }), "shutdown_worker")).toEqual([
      { kind: "shutdown_worker", workerId: "w", organizationId: "org-a", reason: "idle", terminateNow: true },
    ]);
  });

  it("frees the slot of an unneeded idle worker at once when the org is at its cap and a job waits", () => {
    const workers = [
      worker("busy", { runningJobs: 1 }),
      worker("fresh-idle", { lastActiveAt: T0 - sec(5) }),
      worker("old-idle", { lastActiveAt: T0 - sec(60) }),
    ];
    const pendingJobs = [job("big", { requiresVramGb: 70 })];
    const actions = planScaling(
      snapshot({ pendingJobs, workers, limits: [limits("org-a", { maxWorkers: 3 })] }),
      defaultCatalog,
      config,
      T0,
    );
    // only one slot is needed: the longest-idle worker goes, the other stays for its idle timeout
    expect(ofKind(actions, "shutdown_worker")).toEqual([
      {
        kind: "shutdown_worker",
        workerId: "old-idle",
        organizationId: "org-a",
        reason: "make_room",
        terminateNow: true,
      },
    ]);
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds)).toEqual([["big"]]);
  });

  it("keeps unneeded idle workers for their idle timeout while the org has free slots", () => {
    const workers = [worker("idle", { lastActiveAt: T0 - sec(5) })];
    const actions = plan({ pendingJobs: [job("big", { requiresVramGb: 70 })], workers });
    expect(ofKind(actions, "shutdown_worker")).toEqual([]);
    expect(ofKind(actions, "create_worker")).toHaveLength(1);
  });

  it("does not make room for jobs no hardware can run", () => {
    const workers = [worker("idle", { lastActiveAt: T0 - sec(5) })];
    const actions = planScaling(
      snapshot({
        pendingJobs: [job("huge", { requiresVramGb: 9999 })],
        workers,
        limits: [limits("org-a", { maxWorkers: 1 })],
      }),
      defaultCatalog,
      config,
      T0,
    );
    expect(ofKind(actions, "shutdown_worker")).toEqual([]);
  });

  it("replaces an idle worker that cannot run the waiting job", () => {
    const actions = plan({
      pendingJobs: [job("j", { image: "ow-vllm" })],
      workers: [worker("w", { lastActiveAt: T0 - sec(3600) })],
    });
    expect(ofKind(actions, "shutdown_worker").map((s) => s.workerId)).toEqual(["w"]);
    expect(ofKind(actions, "create_worker")).toHaveLength(1);
  });
});

describe("lost workers", () => {
  it("declares an active worker silent past the heartbeat timeout lost and terminates its pod", () => {
    const silent = worker("w", { lastHeartbeatAt: T0 - sec(config.heartbeatTimeoutSeconds + 1) });
    expect(plan({ workers: [silent] })).toEqual([
      {
        kind: "mark_lost",
        workerId: "w",
        organizationId: "org-a",
        podId: "pod-w",
        provider: "runpod",
        reason: "heartbeat_timeout",
        cooldownGpu: null,
      },
    ]);
    const ok = worker("w", { lastHeartbeatAt: T0 - sec(config.heartbeatTimeoutSeconds) });
    expect(ofKind(plan({ workers: [ok] }), "mark_lost")).toEqual([]);
  });

  it("declares a worker that never started lost after the startup timeout and blames its GPU", () => {
    const actions = plan({
      workers: [booting("w", config.startupTimeoutSeconds + 1, { hardwareType: "2x H100S" })],
    });
    expect(ofKind(actions, "mark_lost")).toMatchObject([
      { workerId: "w", reason: "startup_timeout", cooldownGpu: "H100S" },
    ]);
    expect(ofKind(plan({ workers: [booting("w", config.startupTimeoutSeconds - 1)] }), "mark_lost")).toEqual(
      [],
    );
  });

  it("declares a worker that ignores its shutdown lost after the shutdown timeout", () => {
    const stuck = worker("w", {
      status: "shutdown",
      shutdownRequestedAt: T0 - sec(config.shutdownTimeoutSeconds + 1),
    });
    expect(ofKind(plan({ workers: [stuck] }), "mark_lost")).toMatchObject([{ reason: "shutdown_timeout" }]);
  });

  it("declares a worker lost when its pod vanished from a complete provider list", () => {
    const actions = plan({ workers: [worker("w")], providerPods: [] });
    expect(ofKind(actions, "mark_lost")).toMatchObject([
      { workerId: "w", reason: "pod_missing", cooldownGpu: null },
    ]);
    const exited = plan({
      workers: [worker("w")],
      providerPods: [pod("pod-w", { workerId: "w", status: "exited" })],
    });
    expect(ofKind(exited, "mark_lost")).toMatchObject([{ reason: "pod_missing" }]);
  });

  it("does not trust a provider list that is missing or too young", () => {
    const unlisted = plan({ workers: [worker("w")], providerPods: [], listedProviders: ["local"] });
    expect(ofKind(unlisted, "mark_lost")).toEqual([]);
    const young = booting("w", config.podMissingGraceSeconds - 1);
    expect(ofKind(plan({ workers: [young], providerPods: [] }), "mark_lost")).toEqual([]);
  });

  it("does not count a lost worker's capacity and creates a replacement for the waiting job", () => {
    const silent = worker("w", { lastHeartbeatAt: T0 - sec(3600) });
    const actions = plan({ pendingJobs: [job("j")], workers: [silent] });
    expect(actions.map((a) => a.kind)).toEqual(["mark_lost", "create_worker"]);
  });
});

describe("orphan pods", () => {
  it("terminates a listed pod that no worker row claims", () => {
    const actions = plan({ providerPods: [pod("stray")] });
    expect(actions).toEqual([
      { kind: "terminate_pod", podId: "stray", provider: "runpod", workerId: null, reason: "no_worker" },
    ]);
  });

  it("spares an unclaimed pod younger than the orphan grace", () => {
    expect(plan({ providerPods: [pod("new", { createdAt: T0 - sec(10) })] })).toEqual([]);
  });

  it("terminates the pod of a terminated or lost worker", () => {
    const workers = [worker("dead", { status: "terminated" }), worker("gone", { status: "lost" })];
    const providerPods = [pod("pod-dead", { workerId: "dead" }), pod("pod-gone")];
    expect(ofKind(plan({ workers, providerPods }), "terminate_pod")).toEqual([
      {
        kind: "terminate_pod",
        podId: "pod-dead",
        provider: "runpod",
        workerId: "dead",
        reason: "worker_gone",
      },
      {
        kind: "terminate_pod",
        podId: "pod-gone",
        provider: "runpod",
        workerId: "gone",
        reason: "worker_gone",
      },
    ]);
  });

  it("keeps a pod whose worker row has not recorded its pod id yet", () => {
    const workers = [booting("w", 30, { podId: null })];
    expect(plan({ workers, providerPods: [pod("p", { workerId: "w" })] })).toEqual([]);
  });

  it("terminates a second pod tagged with a worker that already has another pod", () => {
    const workers = [worker("w")];
    const providerPods = [pod("pod-w", { workerId: "w" }), pod("duplicate", { workerId: "w" })];
    expect(ofKind(plan({ workers, providerPods }), "terminate_pod")).toMatchObject([
      { podId: "duplicate", reason: "no_worker" },
    ]);
  });

  it("leaves a lost worker's pod to mark_lost instead of terminating it twice", () => {
    const silent = worker("w", { lastHeartbeatAt: T0 - sec(3600) });
    const actions = plan({ workers: [silent] });
    expect(actions.map((a) => a.kind)).toEqual(["mark_lost"]);
  });

  it("ignores pods already terminated and pods of providers whose list is incomplete", () => {
    const providerPods = [pod("done", { status: "terminated" }), pod("local-1", { provider: "local" })];
    expect(plan({ providerPods, listedProviders: ["runpod"] })).toEqual([]);
  });
});
