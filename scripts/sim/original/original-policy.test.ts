// The baseline behaves like the original org manager, flaws included (reference §5).
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../../supabase/functions/_shared/hardware/catalog.ts";
import type { ScalingSnapshot } from "../../../supabase/functions/_shared/scaling/types.ts";
import { job, limits, ofKind, sec, snapshot, T0, worker } from "../../../tests/support/scaling-fixtures.ts";
import { planOriginal } from "./original-policy.ts";
import { OriginalRegistry } from "./original-registry.ts";

const run = (parts: Partial<ScalingSnapshot>, registry = new OriginalRegistry(), now = T0) =>
  planOriginal(snapshot(parts), defaultCatalog, registry, now);

describe("the original's scaling", () => {
  it("auto-picks only 1x verified GPUs, tiers of memory − 5 ascending, cheapest first in a tier", () => {
    const [w] = ofKind(run({ pendingJobs: [job("j", { requiresVramGb: 70 })] }), "create_worker");
    expect(w?.hardware.hardwareType).toBe("1x A100");
    expect([w?.hardware, ...(w?.fallbacks ?? [])].map((h) => h?.hardwareType)).toEqual([
      "1x A100",
      "1x A100S",
      "1x H100S",
      "1x H100N",
      "1x H200",
    ]);
  });

  it("cannot place a job above 136 GB without allowed_hardware", () => {
    expect(ofKind(run({ pendingJobs: [job("j", { requiresVramGb: 160 })] }), "create_worker")).toEqual([]);
  });

  it("⚠ does not subtract idle workers: it creates a worker even when an idle one could take the job", () => {
    const actions = run({ pendingJobs: [job("j")], workers: [worker("idle")] });
    expect(ofKind(actions, "create_worker")).toHaveLength(1);
  });

  it("subtracts the image's starting workers from every hardware group", () => {
    const starting = worker("s", { status: "starting", lastHeartbeatAt: null, createdAt: T0 - sec(30) });
    const pendingJobs = [job("a"), job("b"), job("c", { allowedHardware: ["1x H100S"] })];
    const actions = run({ pendingJobs, workers: [starting] });
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds)).toEqual([["a", "b"]]);
  });

  it("⚠ checks each group against the same available slots, exceeding MAX_WORKERS across groups", () => {
    const pendingJobs = [
      ...["a1", "a2", "a3"].map((id) => job(id, { image: "img-1" })),
      ...["b1", "b2", "b3"].map((id) => job(id, { image: "img-2" })),
    ];
    const actions = run({ pendingJobs, limits: [limits("org-a", { maxWorkers: 4 })] });
    expect(ofKind(actions, "create_worker")).toHaveLength(6);
  });

  it("⚠ counts shutting-down workers toward MAX_WORKERS", () => {
    const leaving = worker("l", { status: "shutdown" });
    const actions = run({
      pendingJobs: [job("j")],
      workers: [leaving],
      limits: [limits("org-a", { maxWorkers: 1 })],
    });
    expect(ofKind(actions, "create_worker")).toEqual([]);
  });

  it("deals a group's jobs round-robin into n batches, sized by the batch's largest job", () => {
    const pendingJobs = ["10", "70", "24", "40"].map((v) => job(`v${v}`, { requiresVramGb: Number(v) }));
    const actions = run({ pendingJobs, workers: [], limits: [limits("org-a", { maxWorkers: 2 })] });
    const created = ofKind(actions, "create_worker");
    expect(created.map((c) => c.jobIds)).toEqual([
      ["v70", "v24"],
      ["v40", "v10"],
    ]);
    expect(created.map((c) => c.hardware.hardwareType)).toEqual(["1x A100", "1x A40"]);
  });

  it("uses the first job's allowed_hardware in the user's order", () => {
    const [w] = ofKind(
      run({ pendingJobs: [job("j", { allowedHardware: ["1x H200", "2x A100"] })] }),
      "create_worker",
    );
    expect([w?.hardware.hardwareType, ...(w?.fallbacks ?? []).map((f) => f.hardwareType)]).toEqual([
      "1x H200",
      "2x A100",
    ]);
  });
});

describe("the original's registry", () => {
  it("cools hardware down after 3 consecutive failures, for 60 s, then 120 s", () => {
    const registry = new OriginalRegistry();
    expect(registry.recordFailure("org-a", "1x A40", "no instances", T0)).toBe(false);
    expect(registry.recordFailure("org-a", "1x A40", "no instances", T0)).toBe(false);
    expect(registry.recordFailure("org-a", "1x A40", "no instances", T0)).toBe(true);
    expect(registry.onCooldown("org-a", "1x A40", T0 + sec(59))).toBe(true);
    expect(registry.onCooldown("org-a", "1x A40", T0 + sec(60))).toBe(false);
    for (let i = 0; i < 3; i++) registry.recordFailure("org-a", "1x A40", "x", T0 + sec(60));
    expect(registry.onCooldown("org-a", "1x A40", T0 + sec(60 + 119))).toBe(true);
    const [w] = ofKind(run({ pendingJobs: [job("j")] }, registry, T0 + sec(61)), "create_worker");
    expect(w?.hardware.hardwareType).toBe("1x 6000Ada");
  });

  it("resets the ladder on success", () => {
    const registry = new OriginalRegistry();
    for (let i = 0; i < 3; i++) registry.recordFailure("org-a", "1x A40", "x", T0);
    registry.recordSuccess("org-a", "1x A40");
    expect(registry.onCooldown("org-a", "1x A40", T0)).toBe(false);
    for (let i = 0; i < 3; i++) registry.recordFailure("org-a", "1x A40", "x", T0);
    expect(registry.onCooldown("org-a", "1x A40", T0 + sec(61))).toBe(false);
  });

  it("pauses all provisioning for 300 s on a spending-limit error", () => {
    const registry = new OriginalRegistry();
    expect(registry.recordFailure("org-a", "1x A40", "You have exceeded your spending limit", T0)).toBe(
      false,
    );
    expect(ofKind(run({ pendingJobs: [job("j")] }, registry, T0 + sec(299)), "create_worker")).toEqual([]);
    expect(ofKind(run({ pendingJobs: [job("j")] }, registry, T0 + sec(300)), "create_worker")).toHaveLength(
      1,
    );
  });
});

describe("the original's idle and unresponsive handling", () => {
  it("never calls a worker idle in its first 600 s, then after 300 s without a run", () => {
    const young = worker("young", { createdAt: T0 - sec(599), lastActiveAt: T0 - sec(599) });
    const idle = worker("idle", { createdAt: T0 - sec(3600), lastActiveAt: T0 - sec(301) });
    const recent = worker("recent", { createdAt: T0 - sec(3600), lastActiveAt: T0 - sec(299) });
    const noPod = worker("no-pod", { podId: null, createdAt: T0 - sec(3600), lastActiveAt: T0 - sec(3600) });
    const actions = run({ workers: [young, idle, recent, noPod] });
    expect(ofKind(actions, "shutdown_worker").map((s) => s.workerId)).toEqual(["idle"]);
  });

  it("terminates workers silent for 120 s, or 600 s while starting (ping = creation time)", () => {
    const workers = [
      worker("silent", { lastHeartbeatAt: T0 - sec(121) }),
      worker("ok", { lastHeartbeatAt: T0 - sec(119) }),
      worker("slow-start", { status: "starting", lastHeartbeatAt: null, createdAt: T0 - sec(601) }),
      worker("starting", { status: "starting", lastHeartbeatAt: null, createdAt: T0 - sec(599) }),
      worker("gone-shutdown", { status: "shutdown", lastHeartbeatAt: T0 - sec(121) }),
    ];
    expect(ofKind(run({ workers }), "mark_lost").map((m) => [m.workerId, m.reason])).toEqual([
      ["silent", "heartbeat_timeout"],
      ["slow-start", "startup_timeout"],
      ["gone-shutdown", "heartbeat_timeout"],
    ]);
  });
});
