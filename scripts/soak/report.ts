// What a soak run must show, and its figures as markdown (RELIABILITY.md quotes them).
import { SOAK_RULE } from "./memory.ts";
import type { SoakReport } from "./soak.ts";

/** Every promise the soak holds the stack to; empty when all held. */
export function soakProblems(r: SoakReport): string[] {
  const problems: string[] = [];
  if ((r.statuses.completed ?? 0) !== r.jobs)
    problems.push(`not every job completed: ${JSON.stringify(r.statuses)}`);
  if (r.notExactlyOnce > 0) problems.push(`${r.notExactlyOnce} jobs without exactly one completed run`);
  if (r.logMismatches > 0) problems.push(`${r.logMismatches} jobs whose log line is missing or duplicated`);
  if (r.maxWorkersAlive > r.workers)
    problems.push(`${r.maxWorkersAlive} workers alive at once (cap ${r.workers})`);
  if (r.distinctWorkers < 1) problems.push("no worker ran a job");
  const kinds = new Set(r.memory.judged.map((p) => p.label.split(" ")[0]));
  for (const kind of ["stack", "functions", "worker", "postgres"])
    if (!kinds.has(kind)) problems.push(`no ${kind} process was sampled in both windows`);
  for (const p of r.memory.judged.filter((v) => !v.flat))
    problems.push(
      `memory of ${p.label} (pid ${p.pid}) grew: RssAnon ${mb(p.earlyAnonKb)} → ${mb(p.lateAnonKb)} (limit ${mb(p.limitAnonKb)})`,
    );
  return problems;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

export function formatReport(r: SoakReport): string {
  const rule = SOAK_RULE;
  const lines = [
    `jobs ${r.jobs}, workers (cap) ${r.workers}, distinct workers that ran jobs ${r.distinctWorkers}, most alive at once ${r.maxWorkersAlive}`,
    `wall ${(r.wallMs / 1000).toFixed(1)} s (${((r.jobs * 1000) / r.wallMs).toFixed(1)} jobs/s), drain after the last submission ${(r.drainMs / 1000).toFixed(1)} s`,
    `statuses ${JSON.stringify(r.statuses)}, not exactly once ${r.notExactlyOnce}, log lines missing/duplicated ${r.logMismatches}`,
    `memory: ${r.samples} samples; early window = jobs finished ${rule.warmup * 100}–${rule.earlyTo * 100} %, late = ${rule.lateFrom * 100}–100 %; flat = late RssAnon median ≤ early × ${rule.ratio} + ${mb(rule.slackKb)}`,
    "",
    "| process | RSS early → late | RssAnon early → late | limit | flat |",
    "|---|---|---|---|---|",
    ...r.memory.judged.map(
      (p) =>
        `| ${p.label} | ${mb(p.earlyRssKb)} → ${mb(p.lateRssKb)} | ${mb(p.earlyAnonKb)} → ${mb(p.lateAnonKb)} | ${mb(p.limitAnonKb)} | ${p.flat ? "yes" : "**no**"} |`,
    ),
  ];
  if (r.memory.unjudged.length > 0)
    lines.push(
      "",
      `seen in one window only (not judged): ${r.memory.unjudged.map((u) => `${u.label} (${u.pid})`).join(", ")}`,
    );
  return lines.join("\n");
}
