// planScaling: which hardware new workers get.
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../hardware/catalog.ts";
import { ScalingConfig } from "./config.ts";

// Hardware ranked by $/h (speed model off): these tests are about caps, cooldowns and fallbacks;
// the per-job cost ranking has its own tests (plan-job-cost.test.ts).
const perHour = ScalingConfig.parse({ speedAware: false });

import {
  cooldown,
  job,
  limits,
  ofKind,
  sec,
  snapshot,
  T0,
} from "../../../../tests/support/scaling-fixtures.ts";
import { planScaling } from "./plan.ts";
import type { PendingJob } from "./types.ts";

function creates(jobs: PendingJob[], extra: Parameters<typeof snapshot>[0] = {}, config = perHour) {
  return ofKind(
    planScaling(snapshot({ pendingJobs: jobs, ...extra }), defaultCatalog, config, T0),
    "create_worker",
  );
}

describe("choosing hardware for new workers", () => {
  it("creates one worker per pending job on the cheapest verified hardware with enough usable VRAM", () => {
    const byJob = new Map(
      creates([
        job("small", { requiresVramGb: 10 }),
        job("default", { requiresVramGb: 24 }),
        job("large", { requiresVramGb: 70 }),
      ]).map((c) => [c.jobIds[0], c]),
    );
    const [small, default24, large] = [byJob.get("small"), byJob.get("default"), byJob.get("large")];
    expect(default24?.hardware.hardwareType).toBe("1x A40");
    expect(large?.hardware.hardwareType).toBe("2x A40");
    expect(small?.hardware.hardwareType).toBe("1x A4500");
    expect(large).toMatchObject({
      organizationId: "org-a",
      image: "ow-unsloth",
      provider: "runpod",
      jobIds: ["large"],
    });
    expect(large?.estimatedCostPerHour).toBeCloseTo(0.88);
  });

  it("goes multi-GPU when no single GPU is big enough", () => {
    const [big] = creates([job("big", { requiresVramGb: 160 })]);
    expect(big?.hardware).toMatchObject({ gpu: "A40", count: 4, vramGb: 172 });
    const [huge] = creates([job("huge", { requiresVramGb: 600 })]);
    expect(huge?.hardware.vramGb).toBeGreaterThanOrEqual(600);
    expect(huge?.hardware.count).toBe(8);
  });

  it("can be limited to fewer GPUs per pod", () => {
    const single = ScalingConfig.parse({ speedAware: false, maxAutoGpuCount: 1 });
    const [w] = creates([job("j", { requiresVramGb: 70 })], {}, single);
    expect(w?.hardware.hardwareType).toBe("1x A100");
    const actions = planScaling(
      snapshot({ pendingJobs: [job("k", { requiresVramGb: 160 })] }),
      defaultCatalog,
      single,
      T0,
    );
    expect(ofKind(actions, "unschedulable")).toMatchObject([{ reason: "no_hardware_fits", jobIds: ["k"] }]);
    const [named] = creates([job("n", { allowedHardware: ["4x H100S"] })], {}, single);
    expect(named?.hardware.hardwareType).toBe("4x H100S");
  });

  it("never auto-picks unverified GPUs even when they are cheaper", () => {
    const [w] = creates([job("j", { requiresVramGb: 18 })]);
    expect(w?.hardware.gpu).not.toBe("A5000"); // $0.27 but unverified
    expect(defaultCatalog.autoConfigs.some((c) => c.hardwareType === w?.hardware.hardwareType)).toBe(true);
  });

  it("honours allowed_hardware in the user's order, even when a later entry is cheaper", () => {
    const [w] = creates([job("j", { allowedHardware: ["1x H100S", "1x A100", "1x L40"] })]);
    expect(w?.hardware.hardwareType).toBe("1x H100S");
    expect(w?.fallbacks.map((f) => f.hardwareType)).toEqual(["1x A100", "1x L40"]);
  });

  it("uses unverified GPUs when the user names them", () => {
    const [w] = creates([job("j", { allowedHardware: ["2x 4090"] })]);
    expect(w?.hardware).toMatchObject({
      hardwareType: "2x RTX4090",
      runpodGpuTypeId: "NVIDIA GeForce RTX 4090",
    });
  });

  it("skips hardware in cooldown and takes the next preference", () => {
    const cooldowns = [cooldown("H100S")];
    const [named] = creates([job("j", { allowedHardware: ["1x H100S", "1x H200"] })], { cooldowns });
    expect(named?.hardware.hardwareType).toBe("1x H200");
    const [auto] = creates([job("k", { requiresVramGb: 24 })], { cooldowns: [cooldown("A40")] });
    // 1x RTX3090 has only 19 GB usable; 2x A4500 (30 GB, $0.64) beats 1x 6000Ada ($0.77).
    expect(auto?.hardware.hardwareType).toBe("2x A4500");
  });

  it("lets a cooldown expire and a deployment-wide cooldown apply to every org", () => {
    const [expired] = creates([job("j")], { cooldowns: [cooldown("A40", { until: T0 })] });
    expect(expired?.hardware.hardwareType).toBe("1x A40");
    const [global] = creates([job("j", { organizationId: "org-z" })], {
      cooldowns: [cooldown("A40", { organizationId: null })],
    });
    expect(global?.hardware.gpu).not.toBe("A40");
  });

  it("reports jobs whose every choice is cooling down as deferred, without blocking the org's other jobs", () => {
    const actions = planScaling(
      snapshot({
        pendingJobs: [job("a", { allowedHardware: ["1x H100S"], createdAt: T0 - sec(100) }), job("b")],
        cooldowns: [cooldown("H100S")],
      }),
      defaultCatalog,
      perHour,
      T0,
    );
    expect(ofKind(actions, "deferred")).toEqual([
      {
        kind: "deferred",
        organizationId: "org-a",
        image: "ow-unsloth",
        reason: "hardware_cooling_down",
        jobIds: ["a"],
      },
    ]);
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds)).toEqual([["b"]]);
  });

  it("gives the applier up to maxFallbacks cheaper-first alternatives outside cooldown", () => {
    const [w] = creates([job("j", { requiresVramGb: 24 })], { cooldowns: [cooldown("6000Ada")] });
    expect(w?.hardware.hardwareType).toBe("1x A40");
    expect(w?.fallbacks).toHaveLength(2);
    expect(w?.fallbacks.map((f) => f.gpu)).not.toContain("6000Ada");
    for (const f of w?.fallbacks ?? [])
      expect(f.costPerHour).toBeGreaterThanOrEqual(w?.hardware.costPerHour ?? 0);
    const [none] = creates([job("j")], {}, ScalingConfig.parse({ speedAware: false, maxFallbacks: 0 }));
    expect(none?.fallbacks).toEqual([]);
  });

  it("marks jobs no hardware can ever run as unschedulable and creates nothing for them", () => {
    const actions = planScaling(
      snapshot({
        pendingJobs: [
          job("too-big", { requiresVramGb: 5000 }),
          job("unknown", { allowedHardware: ["1x TPUv5", "nonsense"] }),
          job("fine"),
        ],
      }),
      defaultCatalog,
      perHour,
      T0,
    );
    expect(ofKind(actions, "unschedulable")).toEqual([
      {
        kind: "unschedulable",
        organizationId: "org-a",
        image: "ow-unsloth",
        reason: "no_hardware_fits",
        jobIds: ["too-big"],
      },
      {
        kind: "unschedulable",
        organizationId: "org-a",
        image: "ow-unsloth",
        reason: "unknown_hardware",
        jobIds: ["unknown"],
      },
    ]);
    expect(ofKind(actions, "create_worker").map((c) => c.jobIds)).toEqual([["fine"]]);
  });

  it("ignores unknown entries inside an otherwise valid allowed_hardware list", () => {
    const [w] = creates([job("j", { allowedHardware: ["1x TPUv5", "1x H200"] })], {
      limits: [limits("org-a")],
    });
    expect(w?.hardware.hardwareType).toBe("1x H200");
  });

  it("creates on the configured provider", () => {
    const [w] = creates([job("j")], {}, ScalingConfig.parse({ speedAware: false, provider: "local" }));
    expect(w?.provider).toBe("local");
  });
});
