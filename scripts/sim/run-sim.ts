// Runs one trace through both policies under the same simulated world.
import { defaultCatalog, type HardwareCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import type { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { oracleRunUsd } from "./breakdown.ts";
import { type SimOptions, Simulation } from "./engine.ts";
import { measure } from "./metrics.ts";
import { originalPolicy, ourPolicy, type SimPolicy } from "./policies.ts";
import { type Comparison, comparison } from "./report.ts";
import type { SimTraceJob } from "./trace.ts";
import { defaultWorld, type WorldOptions } from "./world.ts";

/** Overrides of the simulation: caps, drain limit, and world settings (the seed stays the run's). */
export type SimOverrides = Partial<Omit<SimOptions, "world">> & { readonly world?: Partial<WorldOptions> };

export function simOptions(seed: number, overrides: SimOverrides = {}): SimOptions {
  // 8 workers per org is the original's MAX_WORKERS default; both policies get the same caps.
  const { world, ...rest } = overrides;
  return {
    world: { ...defaultWorld, ...world, seed },
    maxWorkersPerOrg: 8,
    drainLimitSeconds: 48 * 3600,
    ...rest,
  };
}

export function simulate(
  trace: readonly SimTraceJob[],
  policy: SimPolicy,
  options: SimOptions,
  catalog: HardwareCatalog = defaultCatalog,
) {
  return new Simulation(trace, policy, catalog, options).run();
}

export function compare(
  name: string,
  trace: readonly SimTraceJob[],
  seed: number,
  config?: ScalingConfig,
  overrides: SimOverrides = {},
): Comparison {
  const options = simOptions(seed, overrides);
  const baseline = measure(simulate(trace, originalPolicy(defaultCatalog), options));
  const ours = measure(simulate(trace, ourPolicy(defaultCatalog, config ? { config } : {}), options));
  return comparison(name, seed, baseline, ours, oracleRunUsd(trace, defaultCatalog, options.world));
}
