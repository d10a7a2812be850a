// Formatter + linter (Biome), strict type checking (tsc, and deno check for the Deno entries),
// each counted as one test.
import { join } from "node:path";
import { repoRoot } from "../../db/migrate.ts";
import { runCommand, type SuiteResult } from "./result.ts";

export type { SuiteResult };

export async function runChecks(): Promise<SuiteResult[]> {
  const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
  const checks: [string, string, string[]][] = [
    ["biome", bin("biome"), ["check", "--error-on-warnings", "--reporter=summary", "."]],
    ["typecheck", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]],
    // The dashboard imports the SDK as a package, i.e. its built declarations (sdk/dist): build them
    // from the current source first, or a stale dist hides a type error that `next build` then finds.
    ["sdk-build", "npm", ["run", "build", "-w", "sdk"]],
    ["typecheck-dashboard", bin("tsc"), ["-p", "dashboard/tsconfig.json", "--noEmit"]],
    // The Deno entry points (Deno.serve, Deno.env) are outside tsconfig: check them with Deno itself.
    [
      "deno-check",
      bin("deno"),
      [
        "check",
        "supabase/functions/api/index.ts",
        "supabase/functions/worker-api/index.ts",
        "supabase/functions/scale/index.ts",
        "supabase/functions/openai/index.ts",
        "scripts/gateway/main.ts",
      ],
    ],
  ];
  const results: SuiteResult[] = [];
  for (const [name, cmd, args] of checks) {
    console.log(`\n== ${name}`);
    const { code } = await runCommand(cmd, args, { cwd: repoRoot });
    results.push({ name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });
  }
  return results;
}
