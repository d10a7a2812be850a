// The scale function's tick wired to the fake RunPod (held to RunPod's published schema) over a
// fresh test database: what the scaler tests share. The worker API and release URLs point nowhere;
// the tests read what the scaler asked RunPod for, not what a pod does.
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { type FakeRunPod, startFakeRunPod } from "../../scripts/fake-runpod/server.ts";
import { createSecretBox } from "../../supabase/functions/_shared/auth/secret-box.ts";
import { connectDatabase } from "../../supabase/functions/_shared/db/connect.ts";
import type { Sql } from "../../supabase/functions/_shared/db/session.ts";
import { ScalingConfig } from "../../supabase/functions/_shared/scaling/index.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";
import { createFleet } from "../../supabase/functions/scale/fleet.ts";
import type { TickDeps } from "../../supabase/functions/scale/tick.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface RunPodScaler {
  db: TestDatabase;
  /** The scaler's own pool (4 connections). */
  sql: Sql;
  fake: FakeRunPod;
  deps: TickDeps;
  /** A new fleet over the same settings (its hardware catalog not yet cached). */
  freshFleet(): Promise<TickDeps["fleet"]>;
  close(): Promise<void>;
}

export async function startRunPodScaler(options: {
  key: string;
  deploymentId: string;
  config: z.input<typeof ScalingConfig>;
}): Promise<RunPodScaler> {
  const db = await createTestDatabase();
  const sql = connectDatabase(db.url, 4);
  const fake = await startFakeRunPod({ apiKey: options.key });
  fake.state.startupReads = 0;
  const env = parseScaleEnv({
    OW_PROVIDER: "runpod",
    OW_SCALE_SECRET: "s".repeat(32),
    OW_RUNPOD_API_KEY: options.key,
    OW_RUNPOD_REST_URL: `${fake.url}/v2`,
    OW_DEPLOYMENT_ID: options.deploymentId,
  });
  const freshFleet = async () =>
    createFleet(env, sql, await createSecretBox(randomBytes(32).toString("base64")));
  const deps: TickDeps = {
    sql,
    fleet: await freshFleet(),
    config: ScalingConfig.parse(options.config),
    deploymentId: options.deploymentId,
    workerApiUrl: "http://127.0.0.1:1/functions/v1",
    workerRelease: { url: "http://127.0.0.1:1/ow-worker", sha256: "a".repeat(64) },
  };
  return {
    db,
    sql,
    fake,
    deps,
    freshFleet,
    async close() {
      await sql.end();
      await fake.close();
      await db.drop();
    },
  };
}
