// Slot load: near its worker cap, a choice is charged the queue its slot time implies for the
// organization's arrival stream (Little's law), so a cheap, slow card does not fill the cap.
import { describe, expect, it } from "vitest";
import {
  job,
  limits,
  ofKind,
  sec,
  snapshot,
  T0,
  worker,
} from "../../../../tests/support/scaling-fixtures.ts";
import { defaultCatalog } from "../hardware/catalog.ts";
import { ScalingConfig } from "./config.ts";
import { jobCostModel, overloadPerSlot, rankByJobCost } from "./job-cost.ts";
import type { KeepWarmState } from "./keep-warm.ts";
import { planScaling } from "./plan.ts";

const config = ScalingConfig.parse({});
const model = jobCostModel(config, defaultCatalog);
const shape = {
  requiresVramGb: 24,
  workload: "inference" as const,
  referenceSeconds: 1800,
  timeoutSeconds: 86400,
};

/** One arrival every `gap` seconds, the latest 30 s ago. */
function stream(gap: number): KeepWarmState {
  return {
    organizationId: "org-a",
    image: "ow-vllm",
    gapsSeconds: Array.from({ length: 8 }, () => gap),
    lastArrivalAt: T0 - sec(30),
  };
}

describe("slot load near the worker cap", () => {
  it("counts the jobs a hold time leaves waiting per slot: none while the cap holds the load", () => {
    const loaded = { ...shape, arrivalsPerHour: 16, slots: 8 };
    expect(overloadPerSlot(loaded, 1800)).toBe(0); // 8 slots busy of 8
    expect(overloadPerSlot(loaded, 3600)).toBeCloseTo(1, 9); // 16 busy of 8: one waiting per slot
    expect(overloadPerSlot({ ...loaded, slots: 0 }, 3600)).toBe(0);
  });

  it("takes a faster card when the cheapest per job would hold slots past what the arrivals allow", () => {
    const fitting = defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 24);
    const calm = rankByJobCost(fitting, shape, model)[0]!;
    const loaded = rankByJobCost(fitting, { ...shape, arrivalsPerHour: 12, slots: 8 }, model)[0]!;
    expect(loaded.runSeconds).toBeLessThan(calm.runSeconds);
    expect(loaded.config.count).toBe(1);
  });

  it("applies only when the jobs left take the organization's last free slots", () => {
    const pending = [job("infer", { image: "ow-vllm", requiresVramGb: 24, jobType: "inference" })];
    const busy = (n: number) =>
      Array.from({ length: n }, (_, i) => worker(`w${i}`, { image: "ow-vllm", runningJobs: 1 }));
    const choose = (workers: number) =>
      ofKind(
        planScaling(
          snapshot({
            pendingJobs: pending,
            workers: busy(workers),
            limits: [limits("org-a", { maxWorkers: 8 })],
            keepWarm: [stream(300)], // 12 jobs an hour on 8 slots
          }),
          defaultCatalog,
          config,
          T0,
        ),
        "create_worker",
      )[0]?.hardware.hardwareType;
    const spare = choose(2);
    const lastSlot = choose(7);
    expect(spare).toBeDefined();
    expect(lastSlot).toBeDefined();
    expect(lastSlot).not.toBe(spare);
    const speed = (type: string | undefined) =>
      rankByJobCost(
        defaultCatalog.autoConfigs.filter((c) => c.hardwareType === type),
        shape,
        model,
      )[0]!.runSeconds;
    expect(speed(lastSlot)).toBeLessThan(speed(spare));
  });
});
