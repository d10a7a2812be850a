// Runs one trace through both policies under the same simulated world.
import { defaultCatalog, type HardwareCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import type { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { type SimOptions, Simulation } from "./engine.ts";
import { measure } from "./metrics.ts";
import { originalPolicy, ourPolicy, type SimPolicy } from "./policies.ts";
import { type Comparison, comparison } from "./report.ts";
import type { SimTraceJob } from "./trace.ts";
import { defaultWorld } from "./world.ts";

export function simOptions(seed: number): SimOptions {
  // 8 workers per org is the original's MAX_WORKERS default; both policies get the same cap.
  return { world: { ...defaultWorld, seed }, maxWorkersPerOrg: 8, drainLimitSeconds: 48 * 3600 };
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
): Comparison {
  const options = simOptions(seed);
  const baseline = measure(simulate(trace, originalPolicy(defaultCatalog), options));
  const ours = measure(simulate(trace, ourPolicy(defaultCatalog, config ? { config } : {}), options));
  return comparison(name, seed, baseline, ours);
}
