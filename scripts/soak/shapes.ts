// `npm run soak:shapes`: the soak with jobs that end in awkward ways, hunting the "job stayed
// in_progress after its process exited" seen once (issue 11). Each shape prints its line, then:
// leaves a child in its process group holding stdout; leaves a setsid'd child (outside the group,
// where the worker's sweep cannot reach) holding stdout; closes stdout and exits; is SIGKILLed.
// Prints per shape the statuses and the slowest run end after its last log chunk.
import { formatReport } from "./report.ts";
import { runSoak } from "./soak.ts";

const SHAPES: ((i: number) => string)[] = [
  (i) => `echo soak-line-${i}`,
  (i) => `echo soak-line-${i}; sleep 20 &`,
  (i) => `echo soak-line-${i}; setsid sleep 20 &`,
  (i) => `echo soak-line-${i}; exec 1>&- 2>&-; sleep 0.2`,
  (i) => `echo soak-line-${i}; kill -9 $$`,
];

const jobs = Number(process.env.OW_SOAK_JOBS ?? 500);
const report = await runSoak({
  jobs,
  workers: Number(process.env.OW_SOAK_WORKERS ?? 4),
  script: (i) => SHAPES[i % SHAPES.length]!(i),
  log: (line) => line.startsWith("soak:") && console.log(line),
});
console.log(formatReport(report));
console.log("slowest run end after its last log chunk, by shape (ms):");
for (const [shape, ms] of Object.entries(report.slowestEndAfterLastLogMs)) console.log(`  ${ms}\t${shape}`);
const failed = report.notExactlyOnce > 0 || report.logMismatches > 0;
process.exit(failed ? 1 : 0);
