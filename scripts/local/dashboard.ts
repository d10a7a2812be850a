// The dashboard for the local stack: `next build` when its sources are newer than the last build
// (minutes on a small machine, so only then), and `next start` in its own process group — killing
// only the `next` wrapper would leave next-server running.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";

export const dashboardDir = join(repoRoot, "dashboard");
const nextBin = join(repoRoot, "node_modules", "next", "dist", "bin", "next");
const SOURCES = ["app", "components", "lib", "next.config.ts", "package.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function dashboardNeedsBuild(): boolean {
  const buildId = join(dashboardDir, ".next", "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = Math.max(
    ...SOURCES.map((p) => newestMtime(join(dashboardDir, p))),
    newestMtime(join(repoRoot, "sdk", "dist")),
  );
  return built < sources;
}

export function buildDashboard(): void {
  execFileSync(process.execPath, [nextBin, "build"], {
    cwd: dashboardDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "pipe",
  });
}

export interface DashboardEnv {
  OW_API_URL: string;
  DASHBOARD_SESSION_SECRET: string;
  SUPABASE_URL?: string;
  SUPABASE_PUBLISHABLE_KEY?: string;
}

export interface DashboardProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export async function startDashboard(env: DashboardEnv, port: number): Promise<DashboardProcess> {
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dashboardDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  try {
    await waitForHttp(`${url}/login`, 60_000, child);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${output}`);
  }
  return { url, output: () => output, stop };
}
