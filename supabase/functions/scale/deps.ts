import { signerFromEnv, storeFromEnv } from "../_runtime/function-deps.ts";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import { type FunctionEnv, functionDatabaseUrl } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import { ScalingConfig } from "../_shared/scaling/index.ts";
import type { ScaleDeps } from "./app.ts";
import type { ScaleEnv } from "./env.ts";
import { createFleet } from "./fleet.ts";

export async function scaleDepsFromEnv(
  env: FunctionEnv,
  scale: ScaleEnv,
  log: (line: string) => void,
): Promise<ScaleDeps> {
  const sql = connectDatabase(functionDatabaseUrl(env), 4);
  const secrets = await createSecretBox(env.OW_SECRETS_KEY);
  const overrides = scale.OW_SCALING_CONFIG
    ? (JSON.parse(scale.OW_SCALING_CONFIG) as Record<string, unknown>)
    : {};
  return {
    sql,
    fleet: createFleet(scale, sql, secrets),
    config: ScalingConfig.parse({ ...overrides, provider: scale.OW_PROVIDER }),
    deploymentId: scale.OW_DEPLOYMENT_ID,
    workerApiUrl: scale.OW_WORKER_API_URL ?? env.OW_PUBLIC_URL,
    workerRelease:
      scale.OW_WORKER_BINARY_URL && scale.OW_WORKER_BINARY_SHA256
        ? { url: scale.OW_WORKER_BINARY_URL, sha256: scale.OW_WORKER_BINARY_SHA256 }
        : null,
    // The store the api and worker-api stage uploads in (the local one wants a URL signer; the
    // sweep asks it for no URL).
    staging: {
      store: storeFromEnv(env, await signerFromEnv(env)),
      maxAgeSeconds: scale.OW_STAGING_MAX_AGE_SECONDS,
      limit: scale.OW_STAGING_SWEEP_LIMIT,
    },
    secret: scale.OW_SCALE_SECRET,
    log,
  };
}
