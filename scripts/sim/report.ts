// Side-by-side tables of simulation metrics: plain text for the terminal, Markdown for
// BENCHMARKS.md.
import { type BreakdownShares, breakdown, shares } from "./breakdown.ts";
import { compareWaits, type SimMetrics, type WaitStats } from "./metrics.ts";

export interface Comparison {
  readonly trace: string;
  readonly seed: number;
  readonly baseline: SimMetrics;
  readonly ours: SimMetrics;
  /** Waits over the jobs both policies started; jobs neither started are counted apart. */
  readonly shared: {
    readonly jobs: number;
    readonly neither: number;
    readonly baseline: WaitStats;
    readonly ours: WaitStats;
  };
  /** Where the dollars differ (breakdown.ts), as shares of the original's dollars. */
  readonly causes: BreakdownShares;
}

export function comparison(
  trace: string,
  seed: number,
  baseline: SimMetrics,
  ours: SimMetrics,
  oracle?: ReadonlyMap<string, number>,
): Comparison {
  const waits = compareWaits(baseline, ours);
  return {
    trace,
    seed,
    baseline,
    ours,
    shared: { jobs: waits.jobs, neither: waits.neither, baseline: waits.a, ours: waits.b },
    causes: shares(breakdown(baseline, ours, oracle), baseline.dollars),
  };
}

export const dollarRatio = (c: Comparison) => c.ours.dollars / c.baseline.dollars;
/** p95 wait ratio over the jobs both started (1 when both are 0). */
export const p95Ratio = (c: Comparison) =>
  c.shared.baseline.p95 === 0
    ? c.shared.ours.p95 === 0
      ? 1
      : Number.POSITIVE_INFINITY
    : c.shared.ours.p95 / c.shared.baseline.p95;

/**
 * The goal: at least 20 % fewer dollars than the original, a p95 wait (over jobs both started) no
 * worse, and no more jobs left unstarted.
 */
export function meetsGoal(c: Comparison): boolean {
  return dollarRatio(c) <= 0.8 && p95Ratio(c) <= 1 && c.ours.neverStarted <= c.baseline.neverStarted;
}

type Side = "baseline" | "ours";

interface Row {
  readonly label: string;
  readonly value: (m: SimMetrics, c: Comparison, side: Side) => number;
  readonly format: (v: number) => string;
  readonly ratio?: boolean;
}

const usd = (v: number) => `$${v.toFixed(2)}`;
const num = (digits: number) => (v: number) => v.toFixed(digits);
const int = (v: number) => String(Math.round(v));

const ROWS: readonly Row[] = [
  { label: "dollars", value: (m) => m.dollars, format: usd, ratio: true },
  { label: "  of which booting", value: (m) => m.bootDollars, format: usd, ratio: true },
  { label: "  of which idle", value: (m) => m.idleDollars, format: usd, ratio: true },
  { label: "  of which runs that finished nothing", value: (m) => m.wastedDollars, format: usd, ratio: true },
  { label: "GPU-hours rented", value: (m) => m.gpuHours, format: num(1), ratio: true },
  { label: "GPU-hours running jobs", value: (m) => m.busyGpuHours, format: num(1), ratio: true },
  { label: "jobs started by both", value: (_m, c) => c.shared.jobs, format: int },
  { label: "  queue wait p50 (s)", value: (_m, c, side) => c.shared[side].p50, format: int, ratio: true },
  { label: "  queue wait p95 (s)", value: (_m, c, side) => c.shared[side].p95, format: int, ratio: true },
  { label: "  queue wait max (s)", value: (_m, c, side) => c.shared[side].max, format: int, ratio: true },
  { label: "never started (failures)", value: (m) => m.neverStarted, format: int },
  { label: "  of which by neither policy", value: (_m, c) => c.shared.neither, format: int },
  { label: "jobs served", value: (m) => m.served, format: int },
  { label: "pods created", value: (m) => m.podsCreated, format: int },
  { label: "create attempts refused", value: (m) => m.createFailures, format: int },
  { label: "workers lost", value: (m) => m.lostWorkers, format: int },
];

function ratio(ours: number, baseline: number): string {
  if (baseline === 0) return ours === 0 ? "1.00" : "n/a";
  const r = ours / baseline;
  const pct = (r - 1) * 100;
  return `${r.toFixed(2)} (${pct >= 0 ? "+" : "−"}${Math.abs(pct).toFixed(1)} %)`;
}

function cells(c: Comparison): string[][] {
  return ROWS.map((row) => {
    const base = row.value(c.baseline, c, "baseline");
    const ours = row.value(c.ours, c, "ours");
    return [row.label, row.format(base), row.format(ours), row.ratio ? ratio(ours, base) : ""];
  });
}

export function textTable(c: Comparison): string {
  const header = ["metric", "original", "ours", "ours / original"];
  const rows = [header, ...cells(c)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const verdict = meetsGoal(c) ? "goal met" : "goal NOT met";
  return [
    `${c.trace} — ${c.baseline.jobs} jobs, seed ${c.seed}`,
    line(header),
    ...cells(c).map(line),
    `→ ${verdict} (≥ 20 % fewer dollars, p95 wait over jobs both started no worse, no more jobs left unstarted)`,
  ].join("\n");
}

export function markdownTable(comparisons: readonly Comparison[]): string {
  const out: string[] = [];
  for (const c of comparisons) {
    out.push(
      `**${c.trace}** (${c.baseline.jobs} jobs, seed ${c.seed}) — ${meetsGoal(c) ? "goal met" : "goal NOT met"}`,
      "",
    );
    out.push("| metric | original | ours | ours / original |", "|---|---:|---:|---:|");
    for (const row of cells(c)) out.push(`| ${row.join(" | ")} |`);
    out.push("");
  }
  return out.join("\n");
}

/** One line per trace over several seeds: mean ratios and how many seeds meet the goal. */
export function seedSummary(trace: string, runs: readonly Comparison[]): string {
  const mean = (f: (c: Comparison) => number) => runs.reduce((sum, c) => sum + f(c), 0) / runs.length;
  const dollars = mean((c) => c.ours.dollars / c.baseline.dollars);
  const p95 = mean(p95Ratio);
  const p50 = mean((c) => (c.shared.baseline.p50 === 0 ? 1 : c.shared.ours.p50 / c.shared.baseline.p50));
  const worstDollars = Math.max(...runs.map(dollarRatio));
  const worstP95 = Math.max(...runs.map(p95Ratio));
  const met = runs.filter(meetsGoal).length;
  return `| ${trace} | ${runs.length} | ${dollars.toFixed(3)} (worst ${worstDollars.toFixed(3)}) | ${p95.toFixed(3)} (worst ${worstP95.toFixed(3)}) | ${p50.toFixed(3)} | ${met}/${runs.length} |`;
}

export const SEED_SUMMARY_HEADER = [
  "| trace | seeds | dollars ours/original, mean | p95 wait ours/original (jobs both started), mean | p50 wait, mean | goal met |",
  "|---|---:|---:|---:|---:|---:|",
].join("\n");
