// Mechanics of the simulator on tiny traces (not the benchmark's numbers).
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { DEFAULT_SPEED_MODEL } from "../../supabase/functions/_shared/hardware/speed.ts";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import type { SimOptions } from "./engine.ts";
import { measure, percentile } from "./metrics.ts";
import { originalPolicy, ourPolicy } from "./policies.ts";
import { simulate } from "./run-sim.ts";
import { parseTrace } from "./trace.ts";
import { defaultWorld, type WorldOptions } from "./world.ts";

function options(world: Partial<WorldOptions> = {}, drainLimitSeconds = 48 * 3600): SimOptions {
  const calm = {
    ...defaultWorld,
    bootSeconds: [100, 100] as const,
    pullSecondsPerGb: 0,
    createCallSeconds: 0,
    createErrorProbability: 0,
    podLifetimeHours: 0,
    noCapacityProbability: 0,
    noCapacityByGpu: {},
    bootFailureProbability: 0,
    speed: { ...DEFAULT_SPEED_MODEL, enabled: false },
  };
  return { world: { ...calm, ...world }, maxWorkersPerOrg: 8, drainLimitSeconds };
}

/** Our policy ranking by $/h, for the mechanics tests (the world's speeds are off there too). */
const perHour = () => ourPolicy(defaultCatalog, { config: ScalingConfig.parse({ speedAware: false }) });

const oneJob = parseTrace('{"arrival": 10, "duration": 600, "vramGb": 24, "image": "img"}');

describe("the simulator", () => {
  it("boots a worker for a job, runs it, shuts the idle worker down and bills the pod's lifetime", () => {
    const result = simulate(oneJob, perHour(), options());
    const [worker] = result.workers;
    const [job] = result.jobs;
    // kicked 1 s after the submission, 100 s to boot, the worker claims at once
    expect(worker?.pod.startMs).toBe(11_000);
    expect(job?.firstStartMs).toBe(111_000);
    expect(job?.finishedMs).toBe(711_000);
    // idle 150 s (t = 861 s) → stopped on the next 30 s tick, at 870 s
    expect(worker?.pod.endMs).toBe(870_000);
    const metrics = measure(result);
    expect(metrics.dollars).toBeCloseTo(((870 - 11) / 3600) * 0.44, 6);
    expect(metrics.bootDollars).toBeCloseTo((100 / 3600) * 0.44, 6);
    expect(metrics.idleDollars).toBeCloseTo((159 / 3600) * 0.44, 6);
    expect(metrics.waitP95).toBe(101);
    expect(metrics).toMatchObject({ served: 1, podsCreated: 1, createFailures: 0, lostWorkers: 0 });
  });

  it("runs the original on its 15 s loop; its idle worker terminates its own pod after 600 s", () => {
    const result = simulate(oneJob, originalPolicy(defaultCatalog), options());
    const [worker] = result.workers;
    expect(worker?.pod.startMs).toBe(15_000); // first tick after the arrival
    expect(result.jobs[0]?.firstStartMs).toBe(115_000);
    // idle once created ≥ 600 s ago and the last run ended > 300 s ago: the tick at 1020 s;
    // the worker notices within 5 s and terminates its pod; its row is reaped later, not "lost"
    expect(worker?.pod.endMs).toBe(1_025_000);
    expect(measure(result).lostWorkers).toBe(0);
  });

  it("falls back to the next hardware when the first choice has no capacity", () => {
    const result = simulate(oneJob, perHour(), options({ noCapacityByGpu: { A40: 1 } }));
    expect(result.counters.createFailures).toBe(1);
    expect(result.workers.map((w) => w.hardware.hardwareType)).toEqual(["2x A4500"]);
    expect(measure(result).served).toBe(1);
  });

  it("replaces pods that die while booting, and gives up at the drain limit", () => {
    const result = simulate(oneJob, ourPolicy(defaultCatalog), options({ bootFailureProbability: 1 }, 3600));
    const metrics = measure(result);
    expect(metrics.served).toBe(0);
    expect(metrics.lostWorkers).toBeGreaterThan(1);
    expect(result.workers.every((w) => w.pod.endMs !== null)).toBe(true);
    expect(metrics.neverStarted).toBe(1); // a failure, not a wait
    expect(metrics.waits.size).toBe(0);
  });

  it("caps each organization's workers", () => {
    const burst = parseTrace(
      JSON.stringify(
        Array.from({ length: 20 }, (_, i) => ({ arrival: i, duration: 600, vramGb: 24, image: "img" })),
      ),
    );
    const result = simulate(burst, ourPolicy(defaultCatalog), { ...options(), maxWorkersPerOrg: 3 });
    const events = result.workers.flatMap((w) => [
      [w.pod.startMs, 1],
      [w.pod.endMs ?? result.endMs, -1],
    ]) as Array<[number, number]>;
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let peak = 0;
    for (const [, delta] of events) {
      live += delta;
      peak = Math.max(peak, live);
    }
    expect(peak).toBeLessThanOrEqual(3);
    expect(measure(result).served).toBe(20);
  });

  it("is deterministic for a seed and changes with it", () => {
    const trace = parseTrace(
      JSON.stringify(
        Array.from({ length: 30 }, (_, i) => ({
          arrival: i * 97,
          duration: 300 + i * 13,
          vramGb: (i % 3) * 30,
          image: "img",
        })),
      ),
    );
    const world = { ...defaultWorld };
    const a = measure(simulate(trace, ourPolicy(defaultCatalog), { ...options(), world }));
    const b = measure(simulate(trace, ourPolicy(defaultCatalog), { ...options(), world }));
    const c = measure(
      simulate(trace, ourPolicy(defaultCatalog), { ...options(), world: { ...world, seed: 2 } }),
    );
    expect(b).toEqual(a);
    expect(c.dollars).not.toBe(a.dollars);
  });
});

describe("traces", () => {
  it("reads JSON arrays, { jobs } objects and JSON Lines, ordered by arrival", () => {
    const line = (arrival: number) => JSON.stringify({ arrival, duration: 1, vramGb: 0, image: "i" });
    const fromLines = parseTrace(`${line(5)}\n\n${line(1)}\n`);
    expect(fromLines.map((j) => [j.id, j.arrival, j.org])).toEqual([
      ["job-0001", 1, "org-1"],
      ["job-0002", 5, "org-1"],
    ]);
    expect(parseTrace(`[${line(1)}]`)).toHaveLength(1);
    expect(parseTrace(`{"jobs":[${line(1)},${line(2)}]}`)).toHaveLength(2);
    expect(parseTrace("")).toEqual([]);
  });

  it("names the job and field of every problem", () => {
    expect(() => parseTrace('{"arrival": -1, "duration": 1, "vramGb": 0, "image": "i"}')).toThrow(
      /job 1: arrival/,
    );
    expect(() => parseTrace("{not json}\n")).toThrow(/line 1: not JSON/);
    const dup = '{"id":"a","arrival":1,"duration":1,"vramGb":0,"image":"i"}';
    expect(() => parseTrace(`${dup}\n${dup}`)).toThrow(/duplicate job id a/);
  });
});

describe("percentiles", () => {
  it("uses the nearest rank", () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});
