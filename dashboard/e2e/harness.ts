// The browser suite's world: the whole local stack (Postgres, functions under Deno, scaler, local
// workers, the Realtime stand-in), the built dashboard under `next start`, and Debian's Chromium
// driven by playwright-core. Ports are free ports; everything is stopped at the end.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { freePort } from "../../scripts/db/cluster.ts";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { startDashboard } from "../../scripts/local/dashboard.ts";
import { type LocalStack, startLocalStack } from "../../scripts/local/stack.ts";

export const CHROMIUM = process.env.OW_CHROMIUM ?? "/usr/bin/chromium";
export const artifacts = join(repoRoot, ".openweights", "test-results", "screenshots");

export interface World {
  stack: LocalStack;
  dashboardUrl: string;
  browser: Browser;
  newContext(): Promise<BrowserContext>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  mkdirSync(artifacts, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), "ow-browser-"));
  const stack = await startLocalStack({
    stateDir,
    port: await freePort(),
    dbPort: await freePort(),
    realtimePort: await freePort(),
    tickSeconds: 1,
    maxWorkers: 3,
  });
  const stops: (() => Promise<unknown>)[] = [
    async () => rmSync(stateDir, { recursive: true, force: true }),
    () => stack.stop(),
  ];
  try {
    const dashboard = await startDashboard(
      {
        OW_API_URL: stack.url,
        DASHBOARD_SESSION_SECRET: randomBytes(32).toString("hex"),
        SUPABASE_URL: stack.realtime.url,
        SUPABASE_PUBLISHABLE_KEY: stack.realtime.publishableKey,
      },
      await freePort(),
    );
    stops.push(dashboard.stop);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      // playwright-core gives every launch a fresh temporary --user-data-dir of its own.
    });
    stops.push(() => browser.close());
    return {
      stack,
      dashboardUrl: dashboard.url,
      browser,
      newContext: () => browser.newContext({ viewport: { width: 1280, height: 900 } }),
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => {});
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw error;
  }
}
