// The dollar breakdown: its causes add up to the difference, the oracle is a floor, and unequal
// work is told apart from price.
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { breakdown, oracleRunUsd } from "./breakdown.ts";
import { measure } from "./metrics.ts";
import { originalPolicy, ourPolicy } from "./policies.ts";
import { simOptions, simulate } from "./run-sim.ts";
import { parseTrace } from "./trace.ts";

const trace = parseTrace(
  [
    { arrival: 0, duration: 1800, vramGb: 24, image: "train" },
    { arrival: 60, duration: 900, vramGb: 24, image: "eval", kind: "inference" },
    { arrival: 400, duration: 900, vramGb: 24, image: "eval", kind: "inference" },
    { arrival: 900, duration: 3600, vramGb: 70, image: "train" },
    // no single GPU holds it: the original (1× only) never starts it, ours does
    { arrival: 1200, duration: 1200, vramGb: 200, image: "train" },
  ]
    .map((j) => JSON.stringify(j))
    .join("\n"),
);

describe("where the dollars differ", () => {
  const options = simOptions(3, { drainLimitSeconds: 6 * 3600 });
  const original = measure(simulate(trace, originalPolicy(defaultCatalog), options));
  const ours = measure(simulate(trace, ourPolicy(defaultCatalog), options));
  const oracle = oracleRunUsd(trace, defaultCatalog, options.world);
  const b = breakdown(original, ours, oracle);

  it("splits the difference into causes that add up to it", () => {
    const sum = b.boot + b.idle + b.hardware + b.extra + b.wasted;
    expect(sum).toBeCloseTo(ours.dollars - original.dollars, 6);
    expect(Math.abs(b.multiGpu)).toBeLessThanOrEqual(Math.abs(b.hardware) + 1e-9);
  });

  it("counts a job only one policy finished as extra work, not as price", () => {
    const big = trace.find((j) => j.vramGb === 200)?.id ?? "";
    expect(ours.finished.has(big)).toBe(true);
    expect(original.finished.has(big)).toBe(false);
    expect(b.extra).toBeCloseTo(ours.finished.get(big)?.usd ?? 0, 6);
    expect(b.equalWorkRatio).toBeCloseTo((ours.dollars - b.extra) / original.dollars, 6);
    expect(b.bothFinished.jobs).toBe(4);
  });

  it("puts the oracle below every finishing run", () => {
    for (const m of [original, ours])
      for (const [id, run] of m.finished) expect(oracle.get(id) ?? 0).toBeLessThanOrEqual(run.usd + 1e-9);
    expect(b.floorRatio).toBeGreaterThan(0);
    expect(b.floorRatio).toBeLessThan(1);
  });

  it("adds the original's boots to the floor, still below the original's dollars", () => {
    expect(original.bootDollars).toBeGreaterThan(0);
    expect(b.floorWithBootRatio).toBeCloseTo(b.floorRatio + original.bootDollars / original.dollars, 9);
    expect(b.floorWithBootRatio).toBeLessThanOrEqual(1);
  });
});
