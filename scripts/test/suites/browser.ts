// The dashboard in a real browser: builds it when its sources changed since the last build
// (`next build` is the slow part; a warm run reuses .next/), then runs dashboard/e2e under
// node:test against the whole local stack with Debian's Chromium, counting node:test's results.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../db/migrate.ts";
import { buildDashboard, dashboardDir, dashboardNeedsBuild } from "../../local/dashboard.ts";
import { runCommand, type SuiteResult, unavailable } from "./result.ts";

export async function runBrowser(inCi: boolean): Promise<SuiteResult> {
  console.log("\n== browser (dashboard, Chromium via playwright-core)");
  const chromium = process.env.OW_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) return unavailable("browser", `${chromium} (apt install chromium)`, inCi);
  if (dashboardNeedsBuild()) {
    console.log("building the dashboard (next build)…");
    try {
      buildDashboard();
    } catch (error) {
      const e = error as { stdout?: Buffer; stderr?: Buffer };
      console.log(`${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
      return { name: "browser", passed: 0, failed: 1, skipped: 0, note: "next build failed" };
    }
  }
  const run = await runCommand(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-reporter=tap",
      "--test-timeout=600000",
      // Once its tests and after() hooks are done the file ends, whatever handle is left: a full
      // CI run once saw it stay alive > 5 min after "ok" with no socket or child left (2026-12-03).
      "--test-force-exit",
      join(dashboardDir, "e2e", "dashboard.e2e.ts"),
    ],
    { cwd: repoRoot, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
  );
  const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(run.output)?.[1] ?? 0);
  const failed = count("fail") + count("cancelled") + (run.code !== 0 && count("fail") === 0 ? 1 : 0);
  return { name: "browser", passed: count("pass"), failed, skipped: count("skipped") + count("todo") };
}
