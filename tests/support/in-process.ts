// The api and worker-api as in-process Hono apps over a real database (the same deps the Deno
// entries build from their environment), for suites that send thousands of requests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localFunctionEnv } from "../../scripts/gateway/spawn.ts";
import { parseFunctionEnv } from "../../supabase/functions/_shared/config/env.ts";
import { makeApp as makeApiApp } from "../../supabase/functions/api/app.ts";
import { apiDepsFromEnv } from "../../supabase/functions/api/deps.ts";
import { makeApp as makeWorkerApp } from "../../supabase/functions/worker-api/app.ts";
import { workerApiDepsFromEnv } from "../../supabase/functions/worker-api/deps.ts";
import type { LooseBody } from "./stack.ts";

export interface Reply {
  status: number;
  body: LooseBody;
}

export type Caller = (method: string, path: string, body?: unknown) => Promise<Reply>;

export interface InProcessApps {
  api: ReturnType<typeof makeApiApp>;
  worker: ReturnType<typeof makeWorkerApp>;
  /** A caller of either app (paths start with /api or /worker-api) with this credential. */
  as(credential: string): Caller;
  close(): Promise<void>;
}

export async function inProcessApps(dbUrl: string, poolSize = 8): Promise<InProcessApps> {
  const filesDir = mkdtempSync(join(tmpdir(), "ow-inproc-"));
  const env = parseFunctionEnv({ ...localFunctionEnv({ dbUrl, port: 9, filesDir, poolSize }) });
  const log = () => {};
  const apiDeps = await apiDepsFromEnv(env, log);
  const workerDeps = await workerApiDepsFromEnv(env, log);
  const api = makeApiApp(apiDeps);
  const worker = makeWorkerApp(workerDeps);
  return {
    api,
    worker,
    as: (credential) => async (method, path, body) => {
      const app = path.startsWith("/worker-api") ? worker : api;
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = { text };
      }
      return { status: res.status, body: parsed as Reply["body"] };
    },
    async close() {
      await apiDeps.sql.end({ timeout: 1 });
      await workerDeps.sql.end({ timeout: 1 });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
