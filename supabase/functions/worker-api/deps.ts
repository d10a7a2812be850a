// The worker-api function's dependencies from its parsed environment.

import { signerFromEnv, storeFromEnv } from "../_runtime/function-deps.ts";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import { type FunctionEnv, functionDatabaseUrl } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import { Notifier } from "../_shared/db/notifier.ts";
import type { WorkerApiDeps } from "./context.ts";

export async function workerApiDepsFromEnv(
  env: FunctionEnv,
  log: (line: string) => void,
): Promise<WorkerApiDeps> {
  const sql = connectDatabase(functionDatabaseUrl(env), env.OW_DB_POOL_SIZE);
  const signer = await signerFromEnv(env);
  return {
    sql,
    signer,
    secrets: await createSecretBox(env.OW_SECRETS_KEY),
    store: storeFromEnv(env, signer),
    notifier: new Notifier(sql),
    config: {
      leaseSeconds: env.OW_LEASE_SECONDS,
      heartbeatSeconds: env.OW_HEARTBEAT_SECONDS,
      maxClaimWaitMs: 25_000,
      maxUploadBytes: env.OW_MAX_UPLOAD_BYTES,
      publicUrl: env.OW_PUBLIC_URL,
    },
    log,
  };
}
