// Where the two policies' dollars differ, per cause. A run's dollars split exactly into booting,
// idle (registered, no job), finished runs and wasted runs (cut short and requeued, or still going
// at the end), so ours − original is the sum of:
//   boot      pods booting (more, or pricier, cold starts)
//   idle      workers kept warm or waiting to be stopped
//   hardware  finishing runs of the jobs both policies finished (which hardware ran them)
//   extra     finishing runs of jobs only one policy finished (unequal work, not a price)
//   wasted    runs that finished nothing
// `hardware` is compared against an oracle too: each job on the hardware that would have run it
// for the fewest dollars in this world, so a gap there is choice, not the catalog.
import {
  findConfig,
  findGpu,
  type HardwareCatalog,
} from "../../supabase/functions/_shared/hardware/catalog.ts";
import { tryParseHardware } from "../../supabase/functions/_shared/hardware/hardware-string.ts";
import type { SimMetrics } from "./metrics.ts";
import { toSimJob } from "./sim-state.ts";
import type { SimTraceJob } from "./trace.ts";
import { World, type WorldOptions } from "./world.ts";

/** ours − original per cause (USD in a breakdown, a share of the original's dollars in shares). */
export interface Causes {
  readonly boot: number;
  readonly idle: number;
  readonly hardware: number;
  /** The part of `hardware` from jobs ours finished on a pod of more than one GPU. */
  readonly multiGpu: number;
  readonly extra: number;
  readonly wasted: number;
}

const CAUSES = ["boot", "idle", "hardware", "multiGpu", "extra", "wasted"] as const;

export interface DollarBreakdown extends Causes {
  /** Over the jobs both finished: finishing runs' USD of each policy and of the oracle. */
  readonly bothFinished: { readonly jobs: number; ours: number; original: number; oracle: number };
  /** Dollars ours/original without the finishing runs of jobs only one of them finished. */
  readonly equalWorkRatio: number;
  /**
   * The oracle's runs of every job the original finished ÷ the original's dollars: what a policy
   * with no boot, no idle time and the cheapest hardware for each job would spend on the same
   * work — a floor no policy reaches.
   */
  readonly floorRatio: number;
  /**
   * The floor plus the original's boot dollars: every job on its cheapest hardware, no idle time,
   * and boots costing no more than the original's — what a policy that boots no less than the
   * original can at best reach. Any lower needs fewer or cheaper boots than the original's.
   */
  readonly floorWithBootRatio: number;
}

/** Per job: USD of its run on the hardware that runs it for the fewest dollars in this world. */
export function oracleRunUsd(
  trace: readonly SimTraceJob[],
  catalog: HardwareCatalog,
  world: WorldOptions,
): Map<string, number> {
  const sim = new World(world);
  const referenceVram = findGpu(catalog, world.speed.referenceGpu)?.usableVramGb ?? 75;
  const out = new Map<string, number>();
  for (const traceJob of trace) {
    const job = toSimJob(traceJob, catalog);
    const named = traceJob.allowedHardware ?? [];
    const candidates =
      named.length > 0
        ? named.flatMap((hw) => {
            const parsed = tryParseHardware(hw, catalog);
            const config = parsed ? findConfig(catalog, parsed.gpu, parsed.count) : undefined;
            return config ? [config] : [];
          })
        : catalog.autoConfigs.filter((c) => c.vramGb >= traceJob.vramGb);
    let best = Number.POSITIVE_INFINITY;
    for (const config of candidates) {
      const ms = sim.runMs(
        job.durationMs,
        { vramGb: traceJob.vramGb, workload: job.workload },
        config,
        referenceVram,
      );
      best = Math.min(best, (ms / 3_600_000) * config.costPerHour);
    }
    if (Number.isFinite(best)) out.set(traceJob.id, best);
  }
  return out;
}

export function breakdown(
  original: SimMetrics,
  ours: SimMetrics,
  oracle: ReadonlyMap<string, number> = new Map(),
): DollarBreakdown {
  let hardware = 0;
  let multiGpu = 0;
  const both = { jobs: 0, ours: 0, original: 0, oracle: 0 };
  for (const [id, run] of ours.finished) {
    const theirs = original.finished.get(id);
    if (!theirs) continue;
    both.jobs += 1;
    both.ours += run.usd;
    both.original += theirs.usd;
    both.oracle += oracle.get(id) ?? Math.min(run.usd, theirs.usd);
    hardware += run.usd - theirs.usd;
    if (run.gpus > 1) multiGpu += run.usd - theirs.usd;
  }
  const onlyUsd = (m: SimMetrics, other: SimMetrics) => {
    let sum = 0;
    for (const [id, run] of m.finished) if (!other.finished.has(id)) sum += run.usd;
    return sum;
  };
  const oursOnly = onlyUsd(ours, original);
  const originalOnly = onlyUsd(original, ours);
  const floorUsd = [...original.finished.keys()].reduce((sum, id) => sum + (oracle.get(id) ?? 0), 0);
  return {
    boot: ours.bootDollars - original.bootDollars,
    idle: ours.idleDollars - original.idleDollars,
    hardware,
    multiGpu,
    extra: oursOnly - originalOnly,
    wasted: ours.wastedDollars - original.wastedDollars,
    bothFinished: both,
    equalWorkRatio: (ours.dollars - oursOnly) / (original.dollars - originalOnly),
    floorRatio: floorUsd / original.dollars,
    floorWithBootRatio: (floorUsd + original.bootDollars) / original.dollars,
  };
}

/** The breakdown as shares of the original's dollars, and the runs against the oracle. */
export interface BreakdownShares extends Causes {
  readonly equalWorkRatio: number;
  readonly floorRatio: number;
  readonly floorWithBootRatio: number;
  /** Finishing runs of the jobs both finished ÷ the oracle's, per policy. */
  readonly originalVsOracle: number;
  readonly oursVsOracle: number;
}

type ShareKey = keyof BreakdownShares;
const SHARE_KEYS: readonly ShareKey[] = [
  ...CAUSES,
  "equalWorkRatio",
  "floorRatio",
  "floorWithBootRatio",
  "originalVsOracle",
  "oursVsOracle",
];

export function shares(b: DollarBreakdown, originalUsd: number): BreakdownShares {
  const oracle = b.bothFinished.oracle;
  const causes = Object.fromEntries(CAUSES.map((k) => [k, b[k] / originalUsd])) as Record<
    keyof Causes,
    number
  >;
  return {
    ...causes,
    equalWorkRatio: b.equalWorkRatio,
    floorRatio: b.floorRatio,
    floorWithBootRatio: b.floorWithBootRatio,
    originalVsOracle: oracle > 0 ? b.bothFinished.original / oracle : 1,
    oursVsOracle: oracle > 0 ? b.bothFinished.ours / oracle : 1,
  };
}

/** The mean of several runs' shares (one trace over its seeds). */
export function meanShares(all: readonly BreakdownShares[]): BreakdownShares {
  const n = Math.max(1, all.length);
  return Object.fromEntries(SHARE_KEYS.map((k) => [k, all.reduce((sum, s) => sum + s[k], 0) / n])) as Record<
    ShareKey,
    number
  >;
}

/** One Markdown row: each cause as % of the original's dollars (+ = ours spends more). */
export function breakdownRow(name: string, dollarRatio: number, s: BreakdownShares): string {
  const pct = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(100 * v).toFixed(1)}`;
  return `| ${name} | ${dollarRatio.toFixed(3)} | ${s.equalWorkRatio.toFixed(3)} | ${pct(s.boot)} | ${pct(s.idle)} | ${pct(s.hardware)} (${pct(s.multiGpu)}) | ${pct(s.extra)} | ${pct(s.wasted)} | ${s.originalVsOracle.toFixed(2)} / ${s.oursVsOracle.toFixed(2)} | ${s.floorRatio.toFixed(3)} |`;
}

export const BREAKDOWN_HEADER = [
  "| trace | dollars ours/original | equal work | Δ boot % | Δ idle % | Δ hardware % (of it multi-GPU) | Δ extra work % | Δ wasted runs % | runs ÷ oracle: original / ours | floor |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
].join("\n");
