// The soak suite (tests/soak, vitest.soak.config.ts): short jobs through 4 local workers of the real
// local stack, memory sampled. A smaller count than `npm run soak` (OW_SOAK_JOBS, default 800).
import type { SuiteResult } from "./result.ts";
import { runVitest } from "./vitest.ts";

export function runSoakSuite(env: NodeJS.ProcessEnv, resultsDir: string): Promise<SuiteResult> {
  return runVitest(env, resultsDir, { name: "soak", config: "vitest.soak.config.ts" });
}
