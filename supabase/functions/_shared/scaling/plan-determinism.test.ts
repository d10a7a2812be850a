// planScaling is a pure function: same inputs, same actions, whatever the input order.
import { describe, expect, it } from "vitest";
import {
  cooldown,
  job,
  limits,
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

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const rich: ScalingSnapshot = snapshot({
  pendingJobs: [
    ...Array.from({ length: 30 }, (_, i) =>
      job(`j${i}`, {
        organizationId: `org-${i % 3}`,
        image: i % 4 === 0 ? "ow-vllm" : "ow-unsloth",
        requiresVramGb: [8, 24, 40, 70, 160][i % 5],
        allowedHardware: i % 7 === 0 ? ["1x H100S", "2x A100"] : null,
        priority: i % 6 === 0 ? 5 : 0,
        createdAt: T0 - sec(1000 - (i % 10)),
      }),
    ),
  ],
  workers: [
    worker("idle-0", { organizationId: "org-0" }),
    worker("idle-1", { organizationId: "org-1", lastActiveAt: T0 - sec(3600) }),
    worker("busy-2", { organizationId: "org-2", runningJobs: 1 }),
    worker("silent", { organizationId: "org-2", lastHeartbeatAt: T0 - sec(999) }),
  ],
  cooldowns: [cooldown("A40", { organizationId: "org-1" })],
  limits: [limits("org-0", { maxWorkers: 3 }), limits("org-2", { maxHourlyUsd: 5 })],
});
const withOrphans: ScalingSnapshot = {
  ...rich,
  providerPods: [...rich.providerPods, pod("stray-1"), pod("stray-2")],
};

describe("determinism", () => {
  it("returns the same actions for any order of the snapshot's lists", () => {
    const expected = planScaling(withOrphans, defaultCatalog, defaultScalingConfig, T0);
    expect(expected.length).toBeGreaterThan(10);
    const random = mulberry32(7);
    for (let round = 0; round < 20; round++) {
      const scrambled: ScalingSnapshot = {
        pendingJobs: shuffled(withOrphans.pendingJobs, random),
        workers: shuffled(withOrphans.workers, random),
        cooldowns: shuffled(withOrphans.cooldowns, random),
        limits: shuffled(withOrphans.limits, random),
        providerPods: shuffled(withOrphans.providerPods, random),
        listedProviders: shuffled(withOrphans.listedProviders, random),
      };
      expect(planScaling(scrambled, defaultCatalog, defaultScalingConfig, T0)).toEqual(expected);
    }
  });

  it("does not modify its inputs and gives equal answers for a Date and for epoch milliseconds", () => {
    const frozen = deepFreeze(structuredClone(withOrphans));
    const a = planScaling(frozen, defaultCatalog, defaultScalingConfig, T0);
    const b = planScaling(frozen, defaultCatalog, defaultScalingConfig, new Date(T0));
    expect(b).toEqual(a);
    expect(frozen).toEqual(withOrphans);
  });

  it("plans nothing for an empty snapshot", () => {
    expect(planScaling(snapshot(), defaultCatalog, defaultScalingConfig, T0)).toEqual([]);
  });
});
