// One real stack (Postgres, the Deno gateway) and one real in-process worker for the daily-loop
// tests, plus an SDK client that counts the api requests it makes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenWeights } from "../../sdk/src/node/index.ts";
import { parseWorkerEnv } from "../../worker/src/config/env.ts";
import { startWorker, type WorkerHandle } from "../../worker/src/main.ts";
import { createMemoryLogger } from "../../worker/src/util/logger.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

export interface LoopStack {
  stack: TestStack;
  worker: WorkerHandle;
  stop(): Promise<void>;
}

export async function startLoopStack(workerId: string): Promise<LoopStack> {
  const stack = await startTestStack();
  const [row] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, ${workerId})`;
  const workDir = mkdtempSync(join(tmpdir(), "ow-loop-"));
  const config = parseWorkerEnv({
    OPENWEIGHTS_API_URL: stack.url,
    OPENWEIGHTS_WORKER_TOKEN: String(row!.token),
    OW_WORKER_IMAGE: "python:3.12-slim",
    OW_WORK_DIR: workDir,
    OW_CLAIM_WAIT_MS: "1000",
    OW_HEARTBEAT_MS: "500",
  });
  const worker = startWorker(config, {
    logger: createMemoryLogger(),
    workerEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  return {
    stack,
    worker,
    async stop() {
      worker.shutdown("test finished");
      await worker.done;
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** A client whose `requests` lists every api call it made ("GET /api/jobs/…"). */
export function countingClient(stack: TestStack): { client: OpenWeights; requests: string[] } {
  const requests: string[] = [];
  const client = new OpenWeights({
    apiKey: stack.adminToken,
    baseURL: stack.url,
    fetch: (input, init) => {
      const url = new URL(String(input));
      requests.push(`${init?.method ?? "GET"} ${url.pathname.replace(/^.*\/functions\/v1/, "")}`);
      return globalThis.fetch(input, init);
    },
  });
  return { client, requests };
}
