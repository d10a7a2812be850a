// The ML suites: every built-in job type for real on the pinned CPU stack (tests/ml/*.ml.test.ts,
// vitest.ml.config.ts). They need the venv scripts/ml/ensure-venv.sh builds (.ci/run builds it):
// missing, the suite is skipped locally and fails in CI.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mlVenvPath } from "../../../tests/ml/ml-env.ts";
import { type SuiteResult, unavailable } from "./result.ts";
import { runVitest } from "./vitest.ts";

export async function runMl(env: NodeJS.ProcessEnv, resultsDir: string, inCi: boolean): Promise<SuiteResult> {
  const venv = mlVenvPath();
  if (!existsSync(join(venv, ".complete")))
    return unavailable("ml", `the CPU ML venv ${venv} (bash scripts/ml/ensure-venv.sh)`, inCi);
  return runVitest(env, resultsDir, { name: "ml", config: "vitest.ml.config.ts" });
}
