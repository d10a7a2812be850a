// `npm run soak`: 5,000 short jobs through 4 local workers (OW_SOAK_JOBS / OW_SOAK_WORKERS to change);
// prints the figures RELIABILITY.md quotes and exits non-zero when a promise did not hold.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { formatReport, soakProblems } from "./report.ts";
import { runSoak } from "./soak.ts";

const jobs = Number(process.env.OW_SOAK_JOBS ?? 5000);
const workers = Number(process.env.OW_SOAK_WORKERS ?? 4);
const report = await runSoak({
  jobs,
  workers,
  sampleEveryMs: 1_000,
  log: process.env.OW_VERBOSE
    ? (line) => console.log(line)
    : (line) => line.startsWith("soak:") && console.log(line),
});
console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average at the end ${loadavg()[0]!.toFixed(1)}`,
);
console.log(formatReport(report));
if (process.env.OW_SOAK_SAMPLES) writeFileSync(process.env.OW_SOAK_SAMPLES, JSON.stringify(report.sampled));
const problems = soakProblems(report);
for (const p of problems) console.error(`FAILED: ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
