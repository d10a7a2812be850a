// planScaling: worker caps, hourly and daily budgets, pauses, per-tick caps, fairness.
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../hardware/catalog.ts";
import { ScalingConfig } from "./config.ts";

// Hardware ranked by $/h (speed model off): these tests are about caps, cooldowns and fallbacks;
// the per-job cost ranking has its own tests (plan-job-cost.test.ts).
const perHour = ScalingConfig.parse({ speedAware: false });

import {
  job,
  limits,
  ofKind,
  sec,
  snapshot,
  T0,
  worker,
} from "../../../../tests/support/scaling-fixtures.ts";
import { planScaling } from "./plan.ts";
import type { ScalingSnapshot } from "./types.ts";

function plan(parts: Partial<ScalingSnapshot>, config = perHour) {
  return planScaling(snapshot(parts), defaultCatalog, config, T0);
}

function manyJobs(n: number, overrides: Parameters<typeof job>[1] = {}, prefix = "j") {
  return Array.from({ length: n }, (_, i) =>
    job(`${prefix}${String(i).padStart(3, "0")}`, { createdAt: T0 - sec(1000 - i), ...overrides }),
  );
}

describe("organization caps", () => {
  it("never exceeds maxWorkers, counting every image and hardware group together", () => {
    const pendingJobs = [
      ...manyJobs(4, { image: "img-1" }, "a"),
      ...manyJobs(4, { image: "img-2" }, "b"),
      ...manyJobs(4, { allowedHardware: ["1x H100S"] }, "c"),
    ];
    const workers = [
      worker("busy-1", { runningJobs: 1 }),
      worker("busy-2", {
        runningJobs: 1,
        status: "starting",
        lastHeartbeatAt: null,
        createdAt: T0 - sec(30),
        lastActiveAt: T0 - sec(30),
      }),
    ];
    const actions = plan({ pendingJobs, workers, limits: [limits("org-a", { maxWorkers: 5 })] });
    expect(ofKind(actions, "create_worker")).toHaveLength(3);
    const deferred = ofKind(actions, "deferred");
    expect(deferred.every((d) => d.reason === "max_workers")).toBe(true);
    expect(deferred.flatMap((d) => d.jobIds)).toHaveLength(9 - 2 + 2); // 12 jobs − 3 created
  });

  it("does not count workers already shutting down against maxWorkers", () => {
    const workers = [worker("leaving", { status: "shutdown", shutdownRequestedAt: T0 - sec(10) })];
    const actions = plan({ pendingJobs: [job("j")], workers, limits: [limits("org-a", { maxWorkers: 1 })] });
    expect(ofKind(actions, "create_worker")).toHaveLength(1);
  });

  it("uses defaultMaxWorkers for organizations without a limits row", () => {
    const config = ScalingConfig.parse({ speedAware: false, defaultMaxWorkers: 2 });
    expect(ofKind(plan({ pendingJobs: manyJobs(5) }, config), "create_worker")).toHaveLength(2);
  });

  it("keeps the hourly budget across groups, counting the live fleet's burn", () => {
    const workers = [worker("busy", { runningJobs: 1, costPerHour: 1.0 })];
    const pendingJobs = [
      ...manyJobs(3, { image: "img-1", requiresVramGb: 24 }, "a"), // $0.44 each
      ...manyJobs(3, { image: "img-2", requiresVramGb: 24 }, "b"),
    ];
    const actions = plan({ pendingJobs, workers, limits: [limits("org-a", { maxHourlyUsd: 3.0 })] });
    const created = ofKind(actions, "create_worker");
    const reserved = created.reduce(
      (sum, c) => sum + Math.max(c.hardware.costPerHour, ...c.fallbacks.map((f) => f.costPerHour)),
      0,
    );
    expect(1.0 + reserved).toBeLessThanOrEqual(3.0 + 1e-9);
    expect(created.length).toBeGreaterThan(0);
    expect(ofKind(actions, "deferred").some((d) => d.reason === "hourly_budget")).toBe(true);
  });

  it("gives budget to first choices before fallbacks", () => {
    // $1.00/h left: two first choices at $0.44 fit; fallbacks only get what remains ($0.12/h).
    const actions = plan({ pendingJobs: manyJobs(2), limits: [limits("org-a", { maxHourlyUsd: 1.0 })] });
    const created = ofKind(actions, "create_worker");
    expect(created.map((c) => c.hardware.hardwareType)).toEqual(["1x A40", "1x A40"]);
    expect(created.flatMap((c) => c.fallbacks)).toEqual([]);
  });

  it("keeps fallbacks within the budget too: the worst choice of every create still fits", () => {
    const actions = plan({ pendingJobs: manyJobs(1), limits: [limits("org-a", { maxHourlyUsd: 0.5 })] });
    const [created] = ofKind(actions, "create_worker");
    expect(created?.hardware.hardwareType).toBe("1x A40");
    expect(created?.fallbacks).toEqual([]); // next choices ($0.64, $0.77) would break $0.50/h
  });

  it("counts shutting-down workers' pods in the hourly burn until they are gone", () => {
    const workers = [
      worker("leaving", { status: "shutdown", costPerHour: 0.44, shutdownRequestedAt: T0 - sec(5) }),
    ];
    const actions = plan({
      pendingJobs: [job("j")],
      workers,
      limits: [limits("org-a", { maxHourlyUsd: 0.6 })],
    });
    expect(ofKind(actions, "create_worker")).toHaveLength(0);
    expect(ofKind(actions, "deferred")[0]?.reason).toBe("hourly_budget");
  });

  it("keeps a daily budget: today's spend plus the fleet's burn over the horizon must fit", () => {
    const base = { pendingJobs: manyJobs(5) };
    const roomy = plan({ ...base, limits: [limits("org-a", { maxDailyUsd: 100, spentTodayUsd: 10 })] });
    expect(ofKind(roomy, "create_worker")).toHaveLength(5);
    const tight = plan({ ...base, limits: [limits("org-a", { maxDailyUsd: 11, spentTodayUsd: 10 })] });
    expect(ofKind(tight, "create_worker")).toHaveLength(2); // 10 + 2 × 0.44 × 1 h ≤ 11 < 10 + 3 × 0.44
    expect(ofKind(tight, "deferred")[0]).toMatchObject({ reason: "daily_budget" });
  });

  it("stops every worker of an org whose daily budget is spent", () => {
    const workers = [
      worker("busy", { runningJobs: 1 }),
      worker("idle"),
      worker("booting", {
        status: "starting",
        lastHeartbeatAt: null,
        createdAt: T0 - sec(30),
        lastActiveAt: T0 - sec(30),
      }),
      worker("other-org", { organizationId: "org-b" }),
    ];
    const actions = plan({
      pendingJobs: [job("j")],
      workers,
      limits: [limits("org-a", { maxDailyUsd: 20, spentTodayUsd: 20 })],
    });
    expect(ofKind(actions, "shutdown_worker").map((s) => [s.workerId, s.reason, s.terminateNow])).toEqual([
      ["booting", "daily_budget_exhausted", true],
      ["busy", "daily_budget_exhausted", false],
      ["idle", "daily_budget_exhausted", true],
    ]);
    expect(ofKind(actions, "create_worker")).toHaveLength(0);
  });

  it("marks jobs whose cheapest hardware exceeds the hourly cap on its own as unschedulable", () => {
    const actions = plan({
      pendingJobs: [job("big", { requiresVramGb: 600 }), job("small")],
      limits: [limits("org-a", { maxHourlyUsd: 2 })],
    });
    expect(ofKind(actions, "unschedulable")).toMatchObject([{ reason: "exceeds_budget", jobIds: ["big"] }]);
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds[0])).toEqual(["small"]);
  });

  it("holds later jobs of an org back while an earlier one waits for budget (no queue jumping)", () => {
    const actions = plan({
      pendingJobs: [
        job("first", { requiresVramGb: 70, createdAt: T0 - sec(100) }),
        job("second", { createdAt: T0 - sec(50) }),
      ],
      workers: [worker("busy", { runningJobs: 1, costPerHour: 0.44 })],
      limits: [limits("org-a", { maxHourlyUsd: 1.0 })],
    });
    expect(ofKind(actions, "create_worker")).toHaveLength(0);
    expect(ofKind(actions, "deferred")).toMatchObject([
      { reason: "hourly_budget", jobIds: ["first", "second"] },
    ]);
  });

  it("creates nothing while provisioning is paused after a spending-limit error", () => {
    const paused = plan({
      pendingJobs: [job("j")],
      limits: [limits("org-a", { provisioningPausedUntil: T0 + sec(100) })],
    });
    expect(ofKind(paused, "create_worker")).toHaveLength(0);
    expect(ofKind(paused, "deferred")[0]?.reason).toBe("provisioning_paused");
    const resumed = plan({
      pendingJobs: [job("j")],
      limits: [limits("org-a", { provisioningPausedUntil: T0 })],
    });
    expect(ofKind(resumed, "create_worker")).toHaveLength(1);
  });
});

describe("per-tick caps and ordering", () => {
  it("creates at most maxCreatesPerTick workers in one tick, the rest deferred as create_cap", () => {
    const config = ScalingConfig.parse({ speedAware: false, maxCreatesPerTick: 3 });
    const actions = plan({ pendingJobs: manyJobs(6) }, config);
    expect(ofKind(actions, "create_worker")).toHaveLength(3);
    expect(ofKind(actions, "deferred")).toMatchObject([{ reason: "create_cap" }]);
  });

  it("caps creates per organization per tick", () => {
    const config = ScalingConfig.parse({ speedAware: false, maxCreatesPerOrgPerTick: 2 });
    const pendingJobs = [...manyJobs(4, {}, "a"), ...manyJobs(4, { organizationId: "org-b" }, "b")];
    const created = ofKind(plan({ pendingJobs }, config), "create_worker");
    expect(created.map((c) => c.organizationId)).toEqual(["org-a", "org-b", "org-a", "org-b"]);
  });

  it("serves higher priority first, then age, and round-robins organizations under the tick cap", () => {
    const config = ScalingConfig.parse({ speedAware: false, maxCreatesPerTick: 4 });
    const pendingJobs = [
      ...manyJobs(5, {}, "a"),
      ...manyJobs(5, { organizationId: "org-b" }, "b"),
      job("urgent", { organizationId: "org-c", priority: 10, createdAt: T0 }),
    ];
    const created = ofKind(plan({ pendingJobs }, config), "create_worker").map((c) => c.jobIds[0]);
    expect(created).toEqual(["urgent", "a000", "b000", "a001"]);
  });
});
