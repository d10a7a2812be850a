// `npm run sim -- [trace …] [--seed N] [--seeds N] [--config JSON] [--markdown]`: replays job
// traces through our scaling policy and the original's, side by side. With no trace, runs the
// shipped ones. `--seeds N` summarises seeds 1..N per trace instead (robustness); `--config`
// overrides our policy's settings, e.g. '{"maxAutoGpuCount":1}'. Exits 1 if a goal is missed.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import process from "node:process";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { markdownTable, meetsGoal, SEED_SUMMARY_HEADER, seedSummary, textTable } from "./report.ts";
import { compare } from "./run-sim.ts";
import { parseTrace } from "./trace.ts";

const here = new URL(".", import.meta.url).pathname;

function usage(): never {
  console.error(
    "usage: npm run sim -- [trace.jsonl|trace.json …] [--seed N] [--seeds N] [--config JSON] [--markdown]",
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
  let markdown = false;
  let config: ScalingConfig | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--seed") seed = integer(argv[++i]);
    else if (arg === "--seeds") seeds = integer(argv[++i]);
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
  return { traces, seed, seeds, markdown, config };
}

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? basename(path) : rel;
}

function main(): number {
  const { traces, seed, seeds, markdown, config } = parseArgs(process.argv.slice(2));
  if (seeds > 0) {
    console.log(SEED_SUMMARY_HEADER);
    let allMet = true;
    for (const path of traces) {
      const trace = parseTrace(readFileSync(path, "utf8"));
      const runs = Array.from({ length: seeds }, (_, i) => compare(displayName(path), trace, i + 1, config));
      allMet &&= runs.every(meetsGoal);
      console.log(seedSummary(displayName(path), runs));
    }
    return allMet ? 0 : 1;
  }
  const comparisons = traces.map((path) =>
    compare(displayName(path), parseTrace(readFileSync(path, "utf8")), seed, config),
  );
  if (markdown) console.log(markdownTable(comparisons));
  else console.log(comparisons.map(textTable).join("\n\n"));
  return comparisons.every(meetsGoal) ? 0 : 1;
}

process.exitCode = main();
