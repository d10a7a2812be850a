// Keep-warm learned from arrivals: the pure parts, and what planScaling does with them.
import { describe, expect, it } from "vitest";
import { ofKind, sec, snapshot, T0, worker } from "../../../../tests/support/scaling-fixtures.ts";
import { defaultCatalog } from "../hardware/catalog.ts";
import { ScalingConfig } from "./config.ts";
import { decideKeepWarm, foldArrivals, type KeepWarmState } from "./keep-warm.ts";
import { planScaling } from "./plan.ts";

const config = ScalingConfig.parse({});
// Break-even of a cold start: 180 s boot × (1 + 1) = 360 s of the worker's price.

function state(gaps: number[], lastArrivalAt = T0 - sec(60)): KeepWarmState {
  return { organizationId: "org-a", image: "ow-unsloth", gapsSeconds: gaps, lastArrivalAt };
}

describe("learning arrival gaps", () => {
  it("appends the gaps of new arrivals, ignores ones already seen and keeps the most recent", () => {
    const first = foldArrivals(
      undefined,
      { organizationId: "o", image: "i", createdAt: [T0 + sec(30), T0, T0 + sec(90)] },
      config,
    );
    expect(first).toMatchObject({ gapsSeconds: [30, 60], lastArrivalAt: T0 + sec(90) });
    const again = foldArrivals(
      first,
      { organizationId: "o", image: "i", createdAt: [T0 + sec(90), T0 + sec(100)] },
      config,
    );
    expect(again.gapsSeconds).toEqual([30, 60, 10]);
    const small = ScalingConfig.parse({ keepWarmSamples: 2 });
    expect(
      foldArrivals(first, { organizationId: "o", image: "i", createdAt: [T0 + sec(100)] }, small).gapsSeconds,
    ).toEqual([60, 10]);
  });
});

describe("the keep-warm decision", () => {
  it("falls back to the fixed idle timeout until enough gaps are known", () => {
    expect(decideKeepWarm(undefined, T0, config).horizonSeconds).toBeNull();
    expect(decideKeepWarm(state([100, 100]), T0, config).horizonSeconds).toBeNull();
  });

  it("keeps a worker warm when jobs come a few minutes apart, sooner than a cold boot's break-even", () => {
    const decision = decideKeepWarm(state([120, 150, 180, 200, 240, 160]), T0, config);
    expect(decision.keep).toBe(true);
    expect(decision.horizonSeconds).toBeGreaterThan(0);
    expect(decision.workers).toBeGreaterThanOrEqual(1);
  });

  it("releases at once when jobs come far apart", () => {
    expect(decideKeepWarm(state([3600, 5400, 7200, 4000]), T0, config)).toMatchObject({
      keep: false,
      workers: 0,
    });
  });

  it("conditions on the time since the last arrival: after a burst, the next burst is hours away", () => {
    // a sweep: 15 jobs seconds apart, then a gap of two hours, then another burst
    const gaps = [...Array(15).fill(4), 7200, ...Array(15).fill(4)];
    expect(decideKeepWarm(state(gaps, T0 - sec(1)), T0, config).keep).toBe(true);
    expect(decideKeepWarm(state(gaps, T0 - sec(1800)), T0, config).keep).toBe(false);
  });

  it("counts break-even in the user's wait: no wait weight keeps workers for fewer gaps", () => {
    const gaps = [250, 260, 270, 280, 300, 320];
    expect(decideKeepWarm(state(gaps, T0), T0, config).keep).toBe(true);
    expect(decideKeepWarm(state(gaps, T0), T0, ScalingConfig.parse({ coldStartWaitWeight: 0 })).keep).toBe(
      false,
    );
  });
});

describe("planScaling with learned keep-warm", () => {
  const idle = (id: string, idleSeconds: number) =>
    worker(id, { lastActiveAt: T0 - sec(idleSeconds), createdAt: T0 - sec(3600) });

  it("writes the folded state back as an update_keep_warm action, first", () => {
    const actions = planScaling(
      snapshot({
        arrivals: [
          { organizationId: "org-a", image: "ow-unsloth", createdAt: [T0 - sec(100), T0 - sec(40)] },
        ],
      }),
      defaultCatalog,
      config,
      T0,
    );
    expect(actions[0]).toEqual({
      kind: "update_keep_warm",
      organizationId: "org-a",
      image: "ow-unsloth",
      gapsSeconds: [60],
      lastArrivalAt: T0 - sec(40),
    });
  });

  it("keeps the freshest idle worker for a steady stream, releases the rest, and all of them when jobs are rare", () => {
    const steady = state([120, 150, 180, 200, 240, 160], T0 - sec(30));
    const workers = [idle("w1", 200), idle("w2", 400), idle("w3", 600)];
    const kept = planScaling(snapshot({ workers, keepWarm: [steady] }), defaultCatalog, config, T0);
    const stopped = ofKind(kept, "shutdown_worker").map((a) => a.workerId);
    expect(stopped).not.toContain("w1");
    expect(stopped).toContain("w3");
    const rare = state([3600, 5400, 7200, 4000], T0 - sec(30));
    const released = planScaling(snapshot({ workers, keepWarm: [rare] }), defaultCatalog, config, T0);
    expect(
      ofKind(released, "shutdown_worker")
        .map((a) => a.workerId)
        .sort(),
    ).toEqual(["w1", "w2", "w3"]);
  });

  it("stays within its bounds: never before the minimum idle time, never past the maximum", () => {
    const rare = state([3600, 5400, 7200, 4000], T0 - sec(30));
    const fresh = planScaling(
      snapshot({ workers: [idle("w", 5)], keepWarm: [rare] }),
      defaultCatalog,
      config,
      T0,
    );
    expect(ofKind(fresh, "shutdown_worker")).toEqual([]);
    const steady = state([120, 150, 180, 200, 240, 160], T0 - sec(30));
    const stale = planScaling(
      snapshot({ workers: [idle("w", 1900)], keepWarm: [steady] }),
      defaultCatalog,
      config,
      T0,
    );
    expect(ofKind(stale, "shutdown_worker").map((a) => a.workerId)).toEqual(["w"]);
  });
});
