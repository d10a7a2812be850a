// `npm run sim -- [trace …] [--seed N] [--seeds N] [--config JSON] [--markdown]`: replays job
// traces through our scaling policy and the original's, side by side. With no trace, runs the
// shipped ones. `--seeds N` summarises seeds 1..N per trace instead (robustness); `--config`
// overrides our policy's settings, e.g. '{"maxAutoGpuCount":1}'; `--world JSON` the simulated
// world's (e.g. '{"podLifetimeHours":0}'). `--family N [--family-seed S] [--seeds K]` runs N
// generated traces (generate.ts) × K world seeds and prints the distribution of the ratios;
// `--assumptions` measures each world assumption by turning it off. Exits 1 if a goal is missed.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import process from "node:process";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { BREAKDOWN_HEADER, breakdownRow, meanShares } from "./breakdown.ts";
import { causeRows, FAMILY_HEADER, familyMeetsGoal, runFamily, summarize, summaryLines } from "./family.ts";
import {
  dollarRatio,
  markdownTable,
  meetsGoal,
  p95Ratio,
  SEED_SUMMARY_HEADER,
  seedSummary,
  textTable,
} from "./report.ts";
import { compare } from "./run-sim.ts";
import { parseTrace } from "./trace.ts";
import { WORLD_ASSUMPTIONS, type WorldOptions } from "./world.ts";

const here = new URL(".", import.meta.url).pathname;

function usage(): never {
  console.error(
    "usage: npm run sim -- [trace.jsonl|trace.json …] [--seed N] [--seeds N] [--config JSON] [--world JSON] [--markdown]\n" +
      "       npm run sim -- --family N [--family-seed S] [--seeds K] [--only i,j,…] | --assumptions [--seeds K] [--family N]",
  );
  process.exit(2);
}

function integer(text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usage();
  return value;
}

function parseArgs(argv: readonly string[]) {
  const traces: string[] = [];
  let seed = 1;
  let seeds = 0;
  let family = 0;
  let familySeed = 2;
  let only: number[] | undefined;
  let assumptions = false;
  let markdown = false;
  let config: ScalingConfig | undefined;
  let world: Partial<WorldOptions> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--seed") seed = integer(argv[++i]);
    else if (arg === "--seeds") seeds = integer(argv[++i]);
    else if (arg === "--family") family = integer(argv[++i]);
    else if (arg === "--family-seed") familySeed = integer(argv[++i]);
    else if (arg === "--only") only = (argv[++i] ?? "").split(",").map(integer);
    else if (arg === "--assumptions") assumptions = true;
    else if (arg === "--world") world = JSON.parse(argv[++i] ?? "{}") as Partial<WorldOptions>;
    else if (arg === "--config") config = ScalingConfig.parse(JSON.parse(argv[++i] ?? "{}"));
    else if (arg === "--markdown") markdown = true;
    else if (arg === "--help" || arg === "-h") usage();
    else if (arg.startsWith("--")) usage();
    else traces.push(arg);
  }
  if (traces.length === 0) {
    const dir = join(here, "traces");
    traces.push(
      ...readdirSync(dir)
        .filter((f) => /\.jsonl?$/.test(f))
        .sort()
        .map((f) => join(dir, f)),
    );
  }
  return { traces, seed, seeds, family, familySeed, only, assumptions, markdown, config, world };
}

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? basename(path) : rel;
}

function main(): number {
  const { traces, seed, seeds, family, familySeed, only, assumptions, markdown, config, world } = parseArgs(
    process.argv.slice(2),
  );
  const overrides = world ? { world } : {};
  if (assumptions) return runAssumptions(traces, Math.max(1, seeds), family, familySeed, config);
  if (family > 0) {
    console.log(FAMILY_HEADER);
    const outcomes = runFamily(
      {
        traces: family,
        familySeed,
        seeds: Math.max(1, seeds || 2),
        ...(config ? { config } : {}),
        ...(only ? { only } : {}),
        ...overrides,
      },
      console.log,
    );
    const summary = summarize(outcomes);
    console.log(`\n${summaryLines(summary).join("\n")}`);
    console.log(
      `\nWhere the dollars differ (% of the original's dollars, mean over seeds):\n${BREAKDOWN_HEADER}`,
    );
    console.log(causeRows(outcomes).join("\n"));
    return familyMeetsGoal(summary) ? 0 : 1;
  }
  if (seeds > 0) {
    console.log(SEED_SUMMARY_HEADER);
    let allMet = true;
    const causes: string[] = [];
    for (const path of traces) {
      const trace = parseTrace(readFileSync(path, "utf8"));
      const runs = Array.from({ length: seeds }, (_, i) =>
        compare(displayName(path), trace, i + 1, config, overrides),
      );
      allMet &&= runs.every(meetsGoal);
      console.log(seedSummary(displayName(path), runs));
      causes.push(
        breakdownRow(
          displayName(path),
          runs.reduce((s, c) => s + dollarRatio(c), 0) / runs.length,
          meanShares(runs.map((c) => c.causes)),
        ),
      );
    }
    console.log(
      `\nWhere the dollars differ (% of the original's dollars, mean over seeds):\n${BREAKDOWN_HEADER}`,
    );
    console.log(causes.join("\n"));
    return allMet ? 0 : 1;
  }
  const comparisons = traces.map((path) =>
    compare(displayName(path), parseTrace(readFileSync(path, "utf8")), seed, config, overrides),
  );
  if (markdown) console.log(markdownTable(comparisons));
  else console.log(comparisons.map(textTable).join("\n\n"));
  console.log(`\nWhere the dollars differ (% of the original's dollars):\n${BREAKDOWN_HEADER}`);
  for (const c of comparisons)
    console.log(breakdownRow(`${c.trace} (seed ${c.seed})`, dollarRatio(c), c.causes));
  return comparisons.every(meetsGoal) ? 0 : 1;
}

/**
 * Each world assumption turned off in turn: the shipped traces' mean dollar and p95 ratios over
 * seeds 1..`seeds`, and the family's medians.
 */
function runAssumptions(
  traces: readonly string[],
  seeds: number,
  family: number,
  familySeed: number,
  config: ScalingConfig | undefined,
): number {
  const loaded = traces.map((path) => ({
    name: displayName(path),
    trace: parseTrace(readFileSync(path, "utf8")),
  }));
  console.log(
    "| world | shipped: dollars ours/original (mean) | shipped: p95 (mean) | family: dollars median | family: p95 median | family: p95 no worse |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const { name, off } of [{ name: "all assumptions on", off: {} }, ...WORLD_ASSUMPTIONS]) {
    const runs = loaded.flatMap(({ name: trace, trace: jobs }) =>
      Array.from({ length: seeds }, (_, i) => compare(trace, jobs, i + 1, config, { world: off })),
    );
    const mean = (f: (c: (typeof runs)[number]) => number) =>
      runs.reduce((s, c) => s + f(c), 0) / runs.length;
    const fam =
      family > 0
        ? summarize(
            runFamily({ traces: family, familySeed, seeds: 1, world: off, ...(config ? { config } : {}) }),
          )
        : null;
    const label = name === "all assumptions on" ? name : `without: ${name}`;
    console.log(
      `| ${label} | ${mean(dollarRatio).toFixed(3)} | ${mean(p95Ratio).toFixed(3)} | ${fam ? fam.dollarMedian.toFixed(3) : "–"} | ${fam ? fam.p95Median.toFixed(3) : "–"} | ${fam ? `${(100 * fam.p95NoWorse).toFixed(0)} %` : "–"} |`,
    );
  }
  return 0;
}

process.exitCode = main();
