// Every function logs in to the database as the least-privileged role when OW_DB_URL names it,
// even though Supabase injects SUPABASE_DB_URL with a privileged login: the functions' deps build
// their connections through one helper (functionDatabaseUrl). The openai function once connected
// with SUPABASE_DB_URL directly, so a hosted deployment ran its queries as the privileged user.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { localFunctionEnv } from "../../scripts/gateway/spawn.ts";
import { parseFunctionEnv } from "../../supabase/functions/_shared/config/env.ts";
import type { Sql } from "../../supabase/functions/_shared/db/session.ts";
import { apiDepsFromEnv } from "../../supabase/functions/api/deps.ts";
import { openAIDepsFromEnv } from "../../supabase/functions/openai/deps.ts";
import { parseOpenAIEnv } from "../../supabase/functions/openai/env.ts";
import { scaleDepsFromEnv } from "../../supabase/functions/scale/deps.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";
import { workerApiDepsFromEnv } from "../../supabase/functions/worker-api/deps.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let filesDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  filesDir = mkdtempSync(join(tmpdir(), "ow-files-"));
});
afterAll(async () => {
  await db?.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

it("api, worker-api, openai and scale all connect as the OW_DB_URL login, not SUPABASE_DB_URL's", async () => {
  const raw = {
    ...localFunctionEnv({ dbUrl: db.url, port: 9, filesDir, poolSize: 1 }),
    OW_DB_URL: db.functionsUrl,
  };
  const env = parseFunctionEnv(raw);
  const log = () => {};
  const scaleEnv = parseScaleEnv({ ...raw, OW_SCALE_SECRET: randomBytes(16).toString("hex") });
  const connections: [string, Sql][] = [
    ["api", (await apiDepsFromEnv(env, log)).sql],
    ["worker-api", (await workerApiDepsFromEnv(env, log)).sql],
    ["openai", (await openAIDepsFromEnv(env, parseOpenAIEnv({}), log)).sql],
    ["scale", (await scaleDepsFromEnv(env, scaleEnv, log)).sql],
  ];
  const superuser = String((await db.sql`select current_user as u`)[0]?.u);
  try {
    const users: Record<string, string> = {};
    for (const [name, sql] of connections) users[name] = String((await sql`select session_user as u`)[0]?.u);
    expect(users).toEqual({
      api: "openweights_functions",
      "worker-api": "openweights_functions",
      openai: "openweights_functions",
      scale: "openweights_functions",
    });
    expect(superuser).not.toBe("openweights_functions");
  } finally {
    await Promise.all(connections.map(([, sql]) => sql.end()));
  }
});
