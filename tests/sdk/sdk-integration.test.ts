// The SDK's integration scenarios (sdk/test/integration/scenarios.ts) against the real local
// gateway, Postgres and a real worker: upload → submit → dedup → wait → read results.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ALL_SCENARIOS } from "../../sdk/test/integration/scenarios.ts";
import { parseWorkerEnv } from "../../worker/src/config/env.ts";
import { startWorker, type WorkerHandle } from "../../worker/src/main.ts";
import { createMemoryLogger } from "../../worker/src/util/logger.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let worker: WorkerHandle;
let workDir: string;

beforeAll(async () => {
  stack = await startTestStack();
  const [row] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, 'w-sdk-it')`;
  workDir = mkdtempSync(join(tmpdir(), "ow-sdk-it-"));
  const config = parseWorkerEnv({
    OPENWEIGHTS_API_URL: stack.url,
    OPENWEIGHTS_WORKER_TOKEN: String(row!.token),
    OW_WORKER_IMAGE: "python:3.12-slim",
    OW_WORK_DIR: workDir,
    OW_CLAIM_WAIT_MS: "2000",
    OW_HEARTBEAT_MS: "500",
  });
  worker = startWorker(config, {
    logger: createMemoryLogger(),
    workerEnv: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
}, 120_000);

afterAll(async () => {
  worker?.shutdown("test finished");
  await worker?.done;
  await stack?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("the SDK against the real stack", () => {
  for (const [name, scenario] of Object.entries(ALL_SCENARIOS)) {
    it(`scenario ${name} holds`, () => scenario({ baseURL: stack.url, apiKey: stack.adminToken }), 60_000);
  }
});
