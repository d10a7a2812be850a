// Side-by-side tables of simulation metrics: plain text for the terminal, Markdown for
// BENCHMARKS.md.
import type { SimMetrics } from "./metrics.ts";

export interface Comparison {
  readonly trace: string;
  readonly seed: number;
  readonly baseline: SimMetrics;
  readonly ours: SimMetrics;
}

/** The goal: at least 20 % fewer dollars than the original with a p95 wait no worse. */
export function meetsGoal(c: Comparison): boolean {
  return (
    c.ours.dollars <= 0.8 * c.baseline.dollars &&
    c.ours.waitP95 <= c.baseline.waitP95 &&
    c.ours.served >= c.baseline.served
  );
}

interface Row {
  readonly label: string;
  readonly value: (m: SimMetrics) => number;
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
  { label: "GPU-hours rented", value: (m) => m.gpuHours, format: num(1), ratio: true },
  { label: "GPU-hours running jobs", value: (m) => m.busyGpuHours, format: num(1), ratio: true },
  { label: "queue wait p50 (s)", value: (m) => m.waitP50, format: int, ratio: true },
  { label: "queue wait p95 (s)", value: (m) => m.waitP95, format: int, ratio: true },
  { label: "queue wait max (s)", value: (m) => m.waitMax, format: int, ratio: true },
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
  return ROWS.map((row) => [
    row.label,
    row.format(row.value(c.baseline)),
    row.format(row.value(c.ours)),
    row.ratio ? ratio(row.value(c.ours), row.value(c.baseline)) : "",
  ]);
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
    `→ ${verdict} (≥ 20 % fewer dollars, p95 wait no worse, no job left unserved)`,
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
  const p95 = mean((c) => c.ours.waitP95 / c.baseline.waitP95);
  const p50 = mean((c) => c.ours.waitP50 / c.baseline.waitP50);
  const worstDollars = Math.max(...runs.map((c) => c.ours.dollars / c.baseline.dollars));
  const worstP95 = Math.max(...runs.map((c) => c.ours.waitP95 / c.baseline.waitP95));
  const met = runs.filter(meetsGoal).length;
  return `| ${trace} | ${runs.length} | ${dollars.toFixed(3)} (worst ${worstDollars.toFixed(3)}) | ${p95.toFixed(3)} (worst ${worstP95.toFixed(3)}) | ${p50.toFixed(3)} | ${met}/${runs.length} |`;
}

export const SEED_SUMMARY_HEADER = [
  "| trace | seeds | dollars ours/original, mean | p95 wait ours/original, mean | p50 wait, mean | goal met |",
  "|---|---:|---:|---:|---:|---:|",
].join("\n");
