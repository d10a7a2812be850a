// The worker-api function's dependencies from its parsed environment.

import { callerDepsFromEnv } from "../_runtime/function-deps.ts";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import type { FunctionEnv } from "../_shared/config/env.ts";
import { Notifier } from "../_shared/db/notifier.ts";
import type { WorkerApiDeps } from "./context.ts";

export async function workerApiDepsFromEnv(
  env: FunctionEnv,
  log: (line: string) => void,
): Promise<WorkerApiDeps> {
  const core = await callerDepsFromEnv(env);
  return {
    ...core,
    secrets: await createSecretBox(env.OW_SECRETS_KEY),
    notifier: new Notifier(core.sql),
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
