// The api function's dependencies from its parsed environment (index.ts, the local gateway and
// tests wire it the same way).

import { callerDepsFromEnv, hardwarePort, scaleKicker } from "../_runtime/function-deps.ts";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import type { FunctionEnv } from "../_shared/config/env.ts";
import { Notifier } from "../_shared/db/notifier.ts";
import type { ApiDeps } from "./context.ts";

export async function apiDepsFromEnv(env: FunctionEnv, log: (line: string) => void): Promise<ApiDeps> {
  const core = await callerDepsFromEnv(env);
  return {
    ...core,
    secrets: await createSecretBox(env.OW_SECRETS_KEY),
    notifier: new Notifier(core.sql),
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
