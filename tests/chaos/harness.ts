// A real local stack (the one `npm start` runs: PostgreSQL, the functions under Deno, the pod agent
// and its worker processes, the scaler loop) on free ports in a throwaway state directory, for the
// supervision and chaos suites; plus what they need to watch it: the stack's notices, the api, SQL.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "../../scripts/db/cluster.ts";
import { type LocalStack, startLocalStack } from "../../scripts/local/stack.ts";

export interface Harness {
  stack: LocalStack;
  stateDir: string;
  notices: string[];
  sql: postgres.Sql;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: ApiBody }>;
  /** Stops the stack; `keepState` leaves the state directory for a next stack. */
  stop(keepState?: boolean): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: api answers are read loosely in these tests
export type ApiBody = Record<string, any>;

export function newStateDir(): string {
  // Under /var/tmp when root, so the postgres OS user can reach the data directory inside it.
  const dir = mkdtempSync(join(process.getuid?.() === 0 ? "/var/tmp" : tmpdir(), "ow-chaos-"));
  chmodSync(dir, 0o755);
  return dir;
}

export async function startHarness(
  options: { stateDir?: string; maxWorkers?: number; dbPort?: number } = {},
): Promise<Harness> {
  const stateDir = options.stateDir ?? newStateDir();
  const notices: string[] = [];
  const stack = await startLocalStack({
    stateDir,
    port: await freePort(),
    dbPort: options.dbPort ?? (await freePort()),
    realtimePort: await freePort(),
    tickSeconds: 1,
    maxWorkers: options.maxWorkers ?? 2,
    notice: (line) => notices.push(`${new Date().toISOString()} ${line}`),
  });
  const sql = postgres(stack.cluster.url, { max: 2, onnotice: () => {} });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${stack.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: ApiBody = {};
    try {
      parsed = JSON.parse(text) as ApiBody;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  };
  return {
    stack,
    stateDir,
    notices,
    sql,
    api,
    async stop(keepState = false) {
      await sql.end({ timeout: 5 }).catch(() => {});
      await stack.stop();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` answers something other than undefined/false; the bound is for a hang. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Milliseconds until the api answers a database-backed request (GET /api/jobs) with 200 again. */
export async function apiRecovery(h: Harness, since: number): Promise<number> {
  await until(
    "the api to answer GET /api/jobs with 200",
    async () => (await h.api("GET", "/api/jobs?limit=1")).status === 200,
  );
  return Date.now() - since;
}
