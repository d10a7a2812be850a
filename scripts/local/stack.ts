// The whole system on one machine without Docker: PostgreSQL (the machine's or embedded), the
// Supabase bootstrap + migrations via the Supabase CLI, every function under Deno behind the local
// gateway, the pod agent that runs workers as local processes, and a loop that ticks the scaler.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import postgres from "postgres";
import { type Cluster, startCluster } from "../db/cluster.ts";
import { enableFunctionsLogin } from "../db/functions-role.ts";
import { migrate, repoRoot } from "../db/migrate.ts";
import { type GatewayProcess, startGateway } from "../gateway/spawn.ts";
import { publishableKeyFor } from "../realtime/keys.ts";
import {
  type RealtimeStandIn,
  type RealtimeStandInOptions,
  startRealtimeStandIn,
} from "../realtime/server.ts";
import { type PodAgent, startPodAgent } from "./pod-agent.ts";
import { StackState } from "./stack-state.ts";
import { createCommandSpawner } from "./worker-process.ts";

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
  progress?: (step: string, done?: boolean) => void;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string; // …/functions/v1
  token: string;
  organizationId: string;
  cluster: Cluster;
  gateway: GatewayProcess;
  agent: PodAgent;
  /** The Realtime stand-in: give its url and publishableKey to supabase-js; `options` restart it. */
  realtime: RealtimeStandIn & { publishableKey: string; options: RealtimeStandInOptions };
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
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
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

    progress("Starting the local pod agent");
    const workerCommand = [
      join(repoRoot, "node_modules", ".bin", "tsx"),
      join(repoRoot, "worker", "src", "cli.ts"),
    ];
    const agent = await startPodAgent({
      token: keys.podAgentToken,
      spawnWorker: createCommandSpawner({
        command: workerCommand,
        cwd: repoRoot,
        output: { dir: join(state.dir, "worker-logs") },
      }),
    });
    stops.push(() => agent.close());
    progress(`Pod agent at ${agent.url}`, true);

    progress("Starting the functions under Deno");
    const gateway = await startGateway(
      {
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
      },
      port,
    );
    stops.push(() => gateway.stop());
    progress(`Functions at ${url}`, true);

    progress("Starting the Realtime stand-in");
    const publishableKey = publishableKeyFor(keys.jwtSecret);
    const realtimeOptions: RealtimeStandInOptions = {
      dbUrl: cluster.url,
      port: options.realtimePort ?? port + 4,
      jwt: { hs256Secret: keys.jwtSecret },
      apiKeys: [publishableKey],
      log: options.log,
    };
    const realtime = await startRealtimeStandIn(realtimeOptions);
    stops.push(() => realtime.close());
    progress(`Realtime (stand-in) at ${realtime.url}`, true);

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
      realtime: Object.assign(realtime, { publishableKey, options: realtimeOptions }),
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
