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

export async function runVitest(
  env: NodeJS.ProcessEnv,
  resultsDir: string,
  suite: { name: string; config?: string } = { name: "vitest" },
): Promise<SuiteResult> {
  console.log(`\n== ${suite.name}`);
  const out = join(resultsDir, `${suite.name}.json`);
  rmSync(out, { force: true });
  const { code } = await runCommand(
    join(repoRoot, "node_modules", ".bin", "vitest"),
    [
      "run",
      ...(suite.config ? ["--config", suite.config] : []),
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ],
    { cwd: repoRoot, env },
  );
  if (!existsSync(out))
    return {
      name: suite.name,
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `vitest exited ${code} without a report`,
    };
  const r = JSON.parse(readFileSync(out, "utf8")) as VitestJson;
  // A file that fails to load has no tests but must still count as a failure.
  const failed =
    r.numFailedTests + (r.numFailedTests === 0 && (r.numFailedTestSuites > 0 || code !== 0) ? 1 : 0);
  return { name: suite.name, passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
}
