// planScaling: price per job, not per hour.
import { describe, expect, it } from "vitest";
import { cooldown, job, ofKind, snapshot, T0 } from "../../../../tests/support/scaling-fixtures.ts";
import { defaultCatalog } from "../hardware/catalog.ts";
import { ScalingConfig } from "./config.ts";
import { costOf, explainChoice, jobCostModel, rankByJobCost } from "./job-cost.ts";
import { planScaling } from "./plan.ts";
import type { PendingJob } from "./types.ts";

const config = ScalingConfig.parse({});
const model = jobCostModel(config, defaultCatalog);

function create(j: PendingJob, extra: Parameters<typeof snapshot>[0] = {}, cfg = config) {
  return ofKind(
    planScaling(snapshot({ pendingJobs: [j], ...extra }), defaultCatalog, cfg, T0),
    "create_worker",
  )[0];
}

describe("placement by expected cost per job", () => {
  it("costs a job as price × (boot + reference time scaled by the pod's speed)", () => {
    const a100s = defaultCatalog.configs.find((c) => c.hardwareType === "1x A100S");
    const shape = {
      requiresVramGb: 24,
      workload: "training" as const,
      referenceSeconds: 3600,
      timeoutSeconds: 86400,
    };
    const cost = costOf(a100s!, shape, model);
    expect(cost.runSeconds).toBeCloseTo(3600, 6);
    expect(cost.expectedUsd).toBeCloseTo(
      (a100s!.costPerHour * (3600 + config.expectedBootSeconds)) / 3600,
      6,
    );
  });

  it("takes a faster card that costs more per hour when it costs less per job, and says so", () => {
    const chosen = create(job("tune", { requiresVramGb: 24, jobType: "fine-tuning" }));
    expect(chosen?.hardware.hardwareType).toBe("1x 6000Ada");
    expect(chosen?.reason).toMatch(/lowest expected cost for this job: 1x 6000Ada at \$0\.77\/h/);
    expect(chosen?.reason).toMatch(/cheapest per hour 1x A40 at \$0\.44\/h/);
  });

  it("sends a job that needs no GPU memory to the cheapest card: no GPU runs a CPU job faster", () => {
    const chosen = create(job("cpu", { requiresVramGb: 0, jobType: "custom", timeoutSeconds: 900 }));
    const cheapest = Math.min(...defaultCatalog.autoConfigs.map((c) => c.costPerHour));
    expect(chosen?.hardware.costPerHour).toBe(cheapest);
    expect(chosen?.reason).not.toMatch(/cheapest per hour/);
  });

  it("degenerates to the cheapest $/h when speeds are off", () => {
    const perHour = ScalingConfig.parse({ speedAware: false });
    expect(
      create(job("tune", { requiresVramGb: 24, jobType: "fine-tuning" }), {}, perHour)?.hardware.hardwareType,
    ).toBe("1x A40");
  });

  it("ranks bandwidth-bound inference differently from compute-bound training", () => {
    const training = rankByJobCost(
      defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 120),
      { requiresVramGb: 120, workload: "training", referenceSeconds: 1800, timeoutSeconds: 86400 },
      model,
    );
    const inference = rankByJobCost(
      defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 120),
      { requiresVramGb: 120, workload: "inference", referenceSeconds: 1800, timeoutSeconds: 86400 },
      model,
    );
    expect(training[0]?.config.hardwareType).not.toBe(inference[0]?.config.hardwareType);
    for (const list of [training, inference])
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.expectedUsd).toBeGreaterThanOrEqual(list[i - 1]!.expectedUsd);
  });

  it("passes over hardware expected to run past the job's timeout", () => {
    const relaxed = create(
      job("slow", { requiresVramGb: 10, jobType: "fine-tuning", timeoutSeconds: 86400 }),
    );
    const tight = create(job("fast", { requiresVramGb: 10, jobType: "fine-tuning", timeoutSeconds: 600 }));
    expect(relaxed?.hardware.hardwareType).toBe("1x 6000Ada");
    // 1800 s on an A100 SXM must finish within 600 s: only pods ≥ 3x as fast qualify.
    const shape = {
      requiresVramGb: 10,
      workload: "training" as const,
      referenceSeconds: 1800,
      timeoutSeconds: 600,
    };
    const run = (type: string | undefined) =>
      costOf(defaultCatalog.configs.find((c) => c.hardwareType === type)!, shape, model).runSeconds;
    expect(run(relaxed?.hardware.hardwareType)).toBeGreaterThan(600);
    expect(run(tight?.hardware.hardwareType)).toBeLessThanOrEqual(600);
  });

  it("orders a job's allowed hardware by expected cost and names what a cooldown cost it", () => {
    const pinned = job("pinned", {
      requiresVramGb: 70,
      allowedHardware: ["1x A100", "1x H100S"],
      jobType: "fine-tuning",
    });
    expect(create(pinned)?.hardware.hardwareType).toBe("1x H100S");
    const cooled = create(pinned, { cooldowns: [cooldown("H100S")] });
    expect(cooled?.hardware.hardwareType).toBe("1x A100");
    expect(cooled?.reason).toMatch(/1x H100S would cost less but is cooling down/);
  });

  it("under queue pressure takes a faster card, never more cards than the job needs", () => {
    const fitting = defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 24);
    const shape = {
      requiresVramGb: 24,
      workload: "inference" as const,
      referenceSeconds: 3600,
      timeoutSeconds: 86400,
    };
    const calm = rankByJobCost(fitting, shape, model)[0]!;
    const queued = rankByJobCost(fitting, { ...shape, queuedPerSlot: 20 }, model)[0]!;
    // The queue buys speed: the choice runs the job faster than the cheapest per job does…
    expect(queued.runSeconds).toBeLessThan(calm.runSeconds);
    expect(queued.rankUsd).toBeGreaterThan(queued.expectedUsd);
    // …on one card: splitting over several would shorten the slot only by paying the overhead.
    expect(queued.config.count).toBe(1);
    const split = fitting.find((c) => c.gpu === queued.config.gpu && c.count > 1);
    expect(split).toBeDefined();
    expect(costOf(split!, shape, model).runSeconds).toBeLessThan(queued.runSeconds);
  });

  it("under queue pressure keeps a job that needs two cards on two", () => {
    const fitting = defaultCatalog.autoConfigs.filter((c) => c.vramGb >= 150);
    const fewest = Math.min(...fitting.map((c) => c.count));
    const queued = rankByJobCost(
      fitting,
      {
        requiresVramGb: 150,
        workload: "training",
        referenceSeconds: 3600,
        timeoutSeconds: 86400,
        queuedPerSlot: 20,
      },
      model,
    )[0]!;
    expect(fewest).toBeGreaterThan(1);
    expect(queued.config.count).toBe(fewest);
  });
});

describe("waiting_reason says whose wait a faster card was bought for", () => {
  const candidates = defaultCatalog.autoConfigs.filter((c) => c.count === 1 && c.vramGb >= 40);
  const shape = {
    requiresVramGb: 40,
    workload: "training" as const,
    referenceSeconds: 3600,
    timeoutSeconds: 86400,
  };
  const reason = (extra: Partial<Parameters<typeof rankByJobCost>[1]>) => {
    const ranked = rankByJobCost(candidates, { ...shape, ...extra }, model);
    return explainChoice(ranked[0]!, ranked, model);
  };

  it("nobody's while slots are spare", () => {
    expect(reason({})).toMatch(/^lowest expected cost for this job: /);
  });

  it("the jobs queued for the organization's slots now", () => {
    expect(reason({ queuedPerSlot: 3 })).toMatch(
      /^lowest expected cost for this job, counting the wait of the organization's jobs queued for its worker slots: /,
    );
  });

  it("the jobs expected to arrive while the cap is full, with the rate and the cap", () => {
    expect(reason({ arrivalsPerHour: 40, slots: 8 })).toMatch(
      /^lowest expected cost for this job, counting the wait of the jobs expected while it holds a slot \(about 40\/h arriving, all 8 worker slots busy\): /,
    );
  });
});
