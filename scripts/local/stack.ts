// The whole system on one machine without Docker: PostgreSQL (the machine's or embedded), the
// Supabase bootstrap + migrations via the Supabase CLI, every function under Deno behind the local
// gateway, the pod agent that runs workers as local processes, and a loop that ticks the scaler.
import { type ChildProcess, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import postgres from "postgres";
import type { AgentPod } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { type AuthStandIn, createAuthStandIn } from "../auth/handler.ts";
import { type Cluster, freePort, startCluster } from "../db/cluster.ts";
import { enableFunctionsLogin } from "../db/functions-role.ts";
import { migrate, repoRoot } from "../db/migrate.ts";
import { type GatewayProcess, startGateway } from "../gateway/spawn.ts";
import { publishableKeyFor } from "../realtime/keys.ts";
import {
  type RealtimeStandIn,
  type RealtimeStandInOptions,
  startRealtimeStandIn,
} from "../realtime/server.ts";
import { startAgentProcess } from "./agent-process.ts";
import { markAgentWorkersLost, markPreviousStackWorkersLost, watchWorkerExits } from "./lost-workers.ts";
import { StackState } from "./stack-state.ts";
import { childEnded, pollEnded, type Running, type Supervisor, supervise } from "./supervisor.ts";

export interface LocalStackOptions {
  stateDir?: string;
  port?: number;
  dbPort?: number;
  /** Port of the Realtime stand-in (default: port + 4). */
  realtimePort?: number;
  /** Seconds between scale ticks (the api also kicks the scaler on every submission). */
  tickSeconds?: number;
  /** Local workers at most (the default organization's max_workers). */
  maxWorkers?: number;
  /** Port of the pod agent (default: a free one, kept across its restarts). */
  agentPort?: number;
  progress?: (step: string, done?: boolean) => void;
  log?: (line: string) => void;
  /**
   * What a user must hear about while the stack runs (default: `log`): a part stopped and is being
   * restarted (the stack is degraded meanwhile), a part is back, workers were marked lost.
   */
  notice?: (line: string) => void;
}

export interface LocalStack {
  url: string; // …/functions/v1
  token: string;
  organizationId: string;
  cluster: Cluster;
  /** The functions' process as it runs now (the supervisor replaces it after a crash). */
  gateway: { url: string; child(): ChildProcess; output(): string };
  /** The pod agent as it runs now: its url stays, its pid changes with each restart. */
  agent: { url: string; pid(): number; pods(): Promise<AgentPod[]> };
  /** The supervised parts (PostgreSQL, pod agent, functions): what is down, what was restarted. */
  supervisors: readonly Supervisor[];
  /** The Realtime stand-in: give its url and publishableKey to supabase-js; `options` restart it. */
  realtime: RealtimeStandIn & { publishableKey: string; options: RealtimeStandInOptions };
  /** The Auth stand-in, served at the Realtime stand-in's url (`/auth/v1`); its outbox holds the mails. */
  auth: AuthStandIn;
  stop(): Promise<void>;
}

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Postgres runs as the `postgres` OS user when we are root; it must be able to reach the data dir. */
function dataDirFor(stateDir: string): string {
  const preferred = join(stateDir, "postgres");
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return preferred;
  try {
    execFileSync("runuser", ["-u", "postgres", "--", "test", "-x", stateDir], { stdio: "ignore" });
    return preferred;
  } catch {
    return join("/var/tmp", `openweights-${Buffer.from(stateDir).toString("hex").slice(-16)}`, "postgres");
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const progress = options.progress ?? (() => {});
  const state = new StackState(options.stateDir ?? join(repoRoot, ".openweights"));
  const keys = state.keys();
  const port = options.port ?? 54321;
  const url = `http://127.0.0.1:${port}/functions/v1`;
  const log = options.notice ?? options.log ?? (() => {});
  const stops: (() => Promise<unknown>)[] = [];
  const supervisors: Supervisor[] = [];
  const stopAll = async () => {
    // Supervisors first (newest first), so nothing is restarted while the stack goes down.
    for (const supervisor of [...supervisors].reverse()) await supervisor.stop().catch(() => {});
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    progress("Starting PostgreSQL");
    const cluster = await startCluster({
      dataDir: dataDirFor(state.dir),
      port: options.dbPort ?? 54322,
      persistent: true,
    });
    stops.push(() => cluster.stop());
    progress(`PostgreSQL (${cluster.kind}) on port ${cluster.port}`, true);

    progress("Applying the Supabase bootstrap and migrations (supabase db push)");
    await migrate(cluster.url).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!message.includes("Remote migration versions not found")) throw error;
      throw new Error(
        `the local database under ${state.dir} was made by another version of the migrations; stop the stack and delete ${dataDirFor(state.dir)} (and ${state.dir}/credentials.json) to start afresh`,
      );
    });
    const credentials = await ensureOrganization(cluster.url, state, options.maxWorkers ?? 2);
    // The functions log in as the least-privileged openweights_functions role, never as the
    // superuser; its password is derived from the stack's kept keys so a restart reuses it.
    const functionsDbUrl = await enableFunctionsLogin(
      cluster.url,
      createHash("sha256").update(`functions-db:${keys.jwtSecret}`).digest("hex"),
    );
    progress("Database ready", true);
    // The stack's own superuser connection, for what only it may do (mark its dead workers lost).
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    stops.push(() => admin.end({ timeout: 5 }));

    // The previous stack's workers died with it: end their rows now (their runs requeued) rather
    // than let them hold leases and count against max_workers until the scaler's timeouts.
    const lost = await markPreviousStackWorkersLost(admin);
    if (lost.length > 0)
      log(
        `marked ${lost.length} worker(s) of the previous stack lost; ${lost.reduce((n, w) => n + w.requeued_runs, 0)} run(s) requeued`,
      );
    const postgresSupervisor = await supervise({
      name: "PostgreSQL",
      start: superviseCluster(cluster),
      log,
    });
    supervisors.push(postgresSupervisor);

    progress("Starting the local pod agent");
    const agentOptions = {
      token: keys.podAgentToken,
      port: options.agentPort ?? (await freePort()),
      workerCommand: [
        join(repoRoot, "node_modules", ".bin", "tsx"),
        join(repoRoot, "worker", "src", "cli.ts"),
      ],
      workerLogDir: join(state.dir, "worker-logs"),
      ledgerFile: join(state.dir, "pod-agent-ledger.json"),
      log: options.log,
    };
    let deadAgentPid = 0;
    const agentSupervisor = await supervise({
      name: "pod agent",
      start: async () => {
        const agent = await startAgentProcess(agentOptions);
        void agent.ended.then(() => {
          deadAgentPid = agent.pid;
        });
        return agent;
      },
      afterRestart: async () => {
        const ended = await markAgentWorkersLost(admin, deadAgentPid);
        if (ended.length > 0) log(`marked ${ended.length} worker(s) of the dead pod agent lost`);
      },
      log,
    });
    supervisors.push(agentSupervisor);
    const agent = {
      url: agentSupervisor.current().url,
      pid: () => agentSupervisor.current().pid,
      pods: () => agentSupervisor.current().pods(),
    };
    const exits = watchWorkerExits(agent.pods, admin, log);
    stops.push(async () => exits.stop());
    progress(`Pod agent at ${agent.url}`, true);

    progress("Starting the functions under Deno");
    const functionsEnv = {
      SUPABASE_DB_URL: functionsDbUrl,
      OW_JWT_SECRET: keys.jwtSecret,
      OW_SECRETS_KEY: keys.secretsKey,
      OW_LOCAL_FILES_DIR: join(state.dir, "files"),
      OW_PUBLIC_URL: url,
      OW_SCALE_SECRET: keys.scaleSecret,
      OW_SCALE_URL: `${url}/scale`,
      OW_PROVIDER: "local",
      OW_DEPLOYMENT_ID: "local",
      OW_POD_AGENT_URL: agent.url,
      OW_POD_AGENT_TOKEN: keys.podAgentToken,
      OW_SCALING_CONFIG: JSON.stringify({
        idleTimeoutSeconds: 60,
        startupGraceSeconds: 30,
        orphanPodGraceSeconds: 30,
      }),
    };
    let gatewayNow: GatewayProcess | undefined;
    const functionsSupervisor = await supervise({
      name: "functions",
      start: async () => {
        gatewayNow = await startGateway(functionsEnv, port);
        return { ended: childEnded(gatewayNow.child), stop: gatewayNow.stop };
      },
      log,
    });
    supervisors.push(functionsSupervisor);
    const gateway = {
      url,
      child: () => gatewayNow!.child,
      output: () => gatewayNow!.output(),
    };
    progress(`Functions at ${url}`, true);

    progress("Starting the Realtime and Auth stand-ins");
    const publishableKey = publishableKeyFor(keys.jwtSecret);
    // One project URL serves both, as supabase-js expects: /realtime/v1 and /auth/v1.
    const authSql = postgres(cluster.url, { max: 2, onnotice: () => {} });
    stops.push(() => authSql.end({ timeout: 2 }));
    let projectUrl = "";
    const auth = createAuthStandIn({
      sql: authSql,
      url: () => projectUrl,
      jwtSecret: keys.jwtSecret,
      apiKeys: [publishableKey],
    });
    const realtimeOptions: RealtimeStandInOptions = {
      dbUrl: cluster.url,
      port: options.realtimePort ?? port + 4,
      jwt: { hs256Secret: keys.jwtSecret },
      apiKeys: [publishableKey],
      log: options.log,
      http: auth.handle,
    };
    const realtime = await startRealtimeStandIn(realtimeOptions);
    projectUrl = realtime.url;
    stops.push(() => realtime.close());
    progress(`Realtime and Auth (stand-ins) at ${realtime.url}`, true);

    const ticker = startScaleLoop(
      `${url}/scale`,
      keys.scaleSecret,
      (options.tickSeconds ?? 5) * 1000,
      options.log,
    );
    stops.push(async () => ticker.stop());
    return {
      url,
      token: credentials.token,
      organizationId: credentials.organizationId,
      cluster,
      gateway,
      agent,
      supervisors,
      realtime: Object.assign(realtime, { publishableKey, options: realtimeOptions }),
      auth,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function ensureOrganization(dbUrl: string, state: StackState, maxWorkers: number) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const known = state.credentials();
    if (known) {
      const [row] =
        await sql`select 1 from public.api_tokens where organization_id = ${known.organizationId} and revoked_at is null limit 1`;
      if (row) return known;
    }
    const [created] = await sql<
      { organization_id: string; token: string }[]
    >`select organization_id, token from internal.bootstrap_organization('local')`;
    await sql`update public.organization_limits set max_workers = ${maxWorkers} where organization_id = ${created!.organization_id}`;
    const credentials = { organizationId: created!.organization_id, token: created!.token };
    state.saveCredentials(credentials);
    return credentials;
  } finally {
    await sql.end();
  }
}

/** "Callable by a local loop": ticks the scale function on an interval; never overlaps itself. */
function startScaleLoop(url: string, secret: string, intervalMs: number, log?: (line: string) => void) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${secret}` } });
      const body = (await res.json()) as {
        actions?: { kind: string; outcome: string; worker_id: string | null }[];
      };
      for (const a of body.actions ?? [])
        if (a.kind !== "deferred") log?.(`scaler: ${a.kind} ${a.worker_id ?? ""} ${a.outcome}`);
    } catch (error) {
      if (!stopped) log?.(`scaler tick failed: ${String(error)}`);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 200);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** PostgreSQL under a supervisor: already started by startCluster; `ended` polls its postmaster. */
function superviseCluster(cluster: Cluster): () => Promise<Running> {
  let first = true;
  return async () => {
    // Someone may have started it again meanwhile (`pg_ctl restart` from a shell): then just watch.
    if (!first && !cluster.isRunning()) await cluster.start();
    first = false;
    const poll = pollEnded(() => cluster.isRunning());
    // Stopping it is the stack's last step (cluster.stop()); the supervisor only stops watching.
    return { ended: poll.ended, stop: async () => poll.cancel() };
  };
}
