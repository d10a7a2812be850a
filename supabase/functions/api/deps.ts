// The api function's dependencies from its parsed environment (index.ts, the local gateway and
// tests wire it the same way).

import { hardwarePort, scaleKicker, signerFromEnv, storeFromEnv } from "../_runtime/function-deps.ts";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import { type FunctionEnv, functionDatabaseUrl } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import { Notifier } from "../_shared/db/notifier.ts";
import type { ApiDeps } from "./context.ts";

export async function apiDepsFromEnv(env: FunctionEnv, log: (line: string) => void): Promise<ApiDeps> {
  const sql = connectDatabase(functionDatabaseUrl(env), env.OW_DB_POOL_SIZE);
  const signer = await signerFromEnv(env);
  return {
    sql,
    signer,
    secrets: await createSecretBox(env.OW_SECRETS_KEY),
    store: storeFromEnv(env, signer),
    notifier: new Notifier(sql),
    hardware: hardwarePort,
    config: {
      jwtTtlSeconds: env.OW_JWT_TTL_SECONDS,
      maxUploadBytes: env.OW_MAX_UPLOAD_BYTES,
      publicUrl: env.OW_PUBLIC_URL,
    },
    kickScaler: scaleKicker(env),
    log,
  };
}
