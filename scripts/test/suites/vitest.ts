import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../db/migrate.ts";
import { runCommand, type SuiteResult } from "./result.ts";

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

export async function runVitest(env: NodeJS.ProcessEnv, resultsDir: string): Promise<SuiteResult> {
  console.log("\n== vitest");
  const out = join(resultsDir, "vitest.json");
  rmSync(out, { force: true });
  const { code } = await runCommand(
    join(repoRoot, "node_modules", ".bin", "vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    { cwd: repoRoot, env },
  );
  if (!existsSync(out))
    return {
      name: "vitest",
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `vitest exited ${code} without a report`,
    };
  const r = JSON.parse(readFileSync(out, "utf8")) as VitestJson;
  // A file that fails to load has no tests but must still count as a failure.
  const failed =
    r.numFailedTests + (r.numFailedTests === 0 && (r.numFailedTestSuites > 0 || code !== 0) ? 1 : 0);
  return { name: "vitest", passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
}
