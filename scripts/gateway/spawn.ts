// Starts the Deno gateway as a child process (tests, benchmarks and the local stack use this).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";

export const denoBinary = join(repoRoot, "node_modules", ".bin", "deno");

/** The environment the functions need on this machine: fresh keys, the local-disk file store. */
export function localFunctionEnv(options: {
  dbUrl: string;
  port: number;
  filesDir: string;
  poolSize?: number;
}): Record<string, string> {
  return {
    SUPABASE_DB_URL: options.dbUrl,
    OW_JWT_SECRET: randomBytes(32).toString("hex"),
    OW_SECRETS_KEY: randomBytes(32).toString("base64"),
    OW_LOCAL_FILES_DIR: options.filesDir,
    OW_PUBLIC_URL: `http://127.0.0.1:${options.port}/functions/v1`,
    OW_DB_POOL_SIZE: String(options.poolSize ?? 10),
  };
}

export interface GatewayProcess {
  url: string; // …/functions/v1
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startGateway(
  env: Record<string, string>,
  port: number,
  options: { timeoutMs?: number; echo?: boolean } = {},
): Promise<GatewayProcess> {
  const child = spawn(
    denoBinary,
    ["run", "-A", "--no-prompt", join(repoRoot, "scripts", "gateway", "main.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        OW_GATEWAY_PORT: String(port),
        NO_COLOR: "1",
        DENO_NO_UPDATE_CHECK: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const url = `http://127.0.0.1:${port}/functions/v1`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGKILL");
    throw new Error(`gateway did not become ready:\n${output}`);
  }
  return {
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
