// The soak in CI: OW_SOAK_JOBS short jobs (default 800; `npm run soak` runs 5,000) through 4 local
// workers of the real local stack. Every job completes exactly once with its log line, the queue
// drains, no more than 4 workers run, and the memory of every long-lived process stays flat by the
// rule in scripts/soak/memory.ts. No timed assertion: the run fails on a stall, not on its speed.
import { describe, expect, it } from "vitest";
import { formatReport, soakProblems } from "../../scripts/soak/report.ts";
import { runSoak, type SoakReport } from "../../scripts/soak/soak.ts";

const jobs = Number(process.env.OW_SOAK_JOBS ?? 800);

describe("soak", () => {
  let report: SoakReport;

  it(`drains ${jobs} short jobs through 4 local workers, each completed exactly once`, async () => {
    report = await runSoak({
      jobs,
      workers: 4,
      log: (line) => line.startsWith("soak:") && console.log(line),
    });
    console.log(formatReport(report));
    expect(report.statuses).toEqual({ completed: jobs });
    expect(report.notExactlyOnce).toBe(0);
    expect(report.logMismatches).toBe(0);
    expect(report.maxWorkersAlive).toBeLessThanOrEqual(4);
    expect(report.distinctWorkers).toBeGreaterThanOrEqual(1);
  });

  it("keeps the memory of every long-lived process flat (functions, workers, PostgreSQL, the stack)", () => {
    expect(report, "the soak run itself failed").toBeDefined();
    const judged = report.memory.judged;
    expect(judged.filter((p) => p.label.startsWith("worker ") && !p.label.includes("launcher")).length).toBe(
      report.distinctWorkers,
    );
    expect(soakProblems(report)).toEqual([]);
  });
});
