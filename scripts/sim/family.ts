// `npm run sim -- --family N [--family-seed S] [--seeds K]`: N random traces (generate.ts) ×
// both policies × K world seeds; per trace the mean ratios over its seeds, then their
// distribution. The family seed picks the traces: tune on one family, report another.
import type { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { type BreakdownShares, breakdownRow, meanShares } from "./breakdown.ts";
import { generateTrace, randomShape } from "./generate.ts";
import { type Comparison, dollarRatio, p95Ratio } from "./report.ts";
import { compare } from "./run-sim.ts";
import { parseTrace } from "./trace.ts";
import type { WorldOptions } from "./world.ts";

export interface FamilyOptions {
  readonly traces: number;
  readonly familySeed: number;
  readonly seeds: number;
  readonly config?: ScalingConfig;
  /** World settings for every run (an assumption turned off). */
  readonly world?: Partial<WorldOptions>;
  /** Run only these members (1-based), e.g. to look at the bad ones again. */
  readonly only?: readonly number[];
}

export interface TraceOutcome {
  readonly name: string;
  readonly jobs: number;
  readonly dollarRatio: number;
  readonly p95Ratio: number;
  readonly neverStartedOurs: number;
  readonly neverStartedOriginal: number;
  readonly neither: number;
  /** Where the dollars differ, mean over the seeds (breakdown.ts). */
  readonly causes: BreakdownShares;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

/** Nearest-rank quantile of an ascending list. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function runFamily(options: FamilyOptions, log: (line: string) => void = () => {}): TraceOutcome[] {
  const outcomes: TraceOutcome[] = [];
  for (let i = 1; i <= options.traces; i++) {
    if (options.only && !options.only.includes(i)) continue;
    const shape = randomShape(options.familySeed * 100_000 + i);
    const trace = parseTrace(JSON.stringify(generateTrace(shape)));
    const name = `family ${options.familySeed} #${i}`;
    if (trace.length === 0) continue;
    const orgMaxWorkers = Object.fromEntries(
      [...new Set(trace.map((j) => j.org))].map((org) => [org, shape.orgCap]),
    );
    const runs: Comparison[] = [];
    for (let seed = 1; seed <= options.seeds; seed++)
      runs.push(
        compare(name, trace, options.familySeed * 1000 + seed, options.config, {
          orgMaxWorkers,
          ...(options.world ? { world: options.world } : {}),
        }),
      );
    const outcome: TraceOutcome = {
      name,
      jobs: trace.length,
      dollarRatio: mean(runs.map(dollarRatio)),
      p95Ratio: mean(runs.map(p95Ratio)),
      neverStartedOurs: mean(runs.map((c) => c.ours.neverStarted)),
      neverStartedOriginal: mean(runs.map((c) => c.baseline.neverStarted)),
      neither: mean(runs.map((c) => c.shared.neither)),
      causes: meanShares(runs.map((c) => c.causes)),
    };
    outcomes.push(outcome);
    log(
      `| ${name} | ${trace.length} | ${shape.orgs} × cap ${shape.orgCap} | ${outcome.dollarRatio.toFixed(3)} | ${outcome.p95Ratio.toFixed(3)} | ${outcome.neverStartedOriginal.toFixed(1)} / ${outcome.neverStartedOurs.toFixed(1)} (${outcome.neither.toFixed(1)} neither) |`,
    );
  }
  return outcomes;
}

export function causeRows(outcomes: readonly TraceOutcome[]): string[] {
  return outcomes.map((o) => breakdownRow(o.name, o.dollarRatio, o.causes));
}

export const FAMILY_HEADER = [
  "| trace | jobs | orgs | dollars ours/original | p95 wait ours/original (jobs both started) | never started original / ours |",
  "|---|---:|---|---:|---:|---:|",
].join("\n");

export interface FamilySummary {
  readonly traces: number;
  readonly dollarMedian: number;
  readonly dollarWorstDecile: number;
  readonly dollarWorst: number;
  readonly p95Median: number;
  readonly p95WorstDecile: number;
  /** Share of traces whose p95 wait (jobs both started) is no worse. */
  readonly p95NoWorse: number;
  readonly overBudget: number;
  /**
   * The same over the traces where both policies started the same jobs: elsewhere the original
   * left jobs unstarted, did less work and spent less on it, so its dollars are not comparable.
   */
  readonly sameWork: {
    readonly traces: number;
    readonly dollarMedian: number;
    readonly dollarWorst: number;
    readonly overBudget: number;
  };
  /**
   * Over all traces, dollars without the finishing runs of jobs only one policy finished
   * (breakdown.ts `equalWorkRatio`), and the floor no policy reaches (`floorRatio`).
   */
  readonly equalWork: { readonly median: number; readonly worst: number; readonly overBudget: number };
  readonly floorMedian: number;
  /** The floor with the original's boots paid (`floorWithBootRatio`). */
  readonly floorWithBootMedian: number;
}

export function summarize(outcomes: readonly TraceOutcome[]): FamilySummary {
  const dollars = outcomes.map((o) => o.dollarRatio).sort((a, b) => a - b);
  const p95 = outcomes.map((o) => o.p95Ratio).sort((a, b) => a - b);
  const equal = outcomes.map((o) => o.causes.equalWorkRatio).sort((a, b) => a - b);
  return {
    traces: outcomes.length,
    dollarMedian: quantile(dollars, 0.5),
    dollarWorstDecile: quantile(dollars, 0.9),
    dollarWorst: dollars[dollars.length - 1] ?? Number.NaN,
    p95Median: quantile(p95, 0.5),
    p95WorstDecile: quantile(p95, 0.9),
    p95NoWorse: outcomes.filter((o) => o.p95Ratio <= 1).length / Math.max(1, outcomes.length),
    overBudget: outcomes.filter((o) => o.dollarRatio > 1.05).length,
    sameWork: sameWork(outcomes.filter((o) => o.neverStartedOriginal === o.neverStartedOurs)),
    equalWork: {
      median: quantile(equal, 0.5),
      worst: equal[equal.length - 1] ?? Number.NaN,
      overBudget: equal.filter((r) => r > 1.05).length,
    },
    floorMedian: quantile(
      outcomes.map((o) => o.causes.floorRatio).sort((a, b) => a - b),
      0.5,
    ),
    floorWithBootMedian: quantile(
      outcomes.map((o) => o.causes.floorWithBootRatio).sort((a, b) => a - b),
      0.5,
    ),
  };
}

function sameWork(outcomes: readonly TraceOutcome[]): FamilySummary["sameWork"] {
  const dollars = outcomes.map((o) => o.dollarRatio).sort((a, b) => a - b);
  return {
    traces: outcomes.length,
    dollarMedian: quantile(dollars, 0.5),
    dollarWorst: dollars[dollars.length - 1] ?? Number.NaN,
    overBudget: outcomes.filter((o) => o.dollarRatio > 1.05).length,
  };
}

/** The bar: median dollars ≤ 0.8, p95 no worse in ≥ 80 % of traces, none above 1.05×. */
export function familyMeetsGoal(s: FamilySummary): boolean {
  return s.dollarMedian <= 0.8 && s.p95NoWorse >= 0.8 && s.overBudget === 0;
}

export function summaryLines(s: FamilySummary): string[] {
  return [
    `traces: ${s.traces}`,
    `dollars ours/original: median ${s.dollarMedian.toFixed(3)}, worst decile ${s.dollarWorstDecile.toFixed(3)}, worst ${s.dollarWorst.toFixed(3)} (${s.overBudget} above 1.05)`,
    `p95 wait ours/original (jobs both started): median ${s.p95Median.toFixed(3)}, worst decile ${s.p95WorstDecile.toFixed(3)}; no worse in ${(100 * s.p95NoWorse).toFixed(0)} % of traces`,
    `traces where both started the same jobs: ${s.sameWork.traces}; dollars median ${s.sameWork.dollarMedian.toFixed(3)}, worst ${s.sameWork.dollarWorst.toFixed(3)} (${s.sameWork.overBudget} above 1.05)`,
    `dollars over equal work (runs of jobs only one policy finished left out): median ${s.equalWork.median.toFixed(3)}, worst ${s.equalWork.worst.toFixed(3)} (${s.equalWork.overBudget} above 1.05)`,
    `floor (no boot, no idle, cheapest hardware per job, the original's work): median ${s.floorMedian.toFixed(3)}; with the original's boots paid: median ${s.floorWithBootMedian.toFixed(3)}`,
    `goal (median ≤ 0.8, p95 no worse in ≥ 80 %, none above 1.05): ${familyMeetsGoal(s) ? "met" : "NOT met"}`,
  ];
}
