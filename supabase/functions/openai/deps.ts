// Dependencies of the openai function: the api's database, signer and file store wiring, plus the
// built-in jobs' Python scripts, carried in the bundle (a deployed function reads no repository files).
import { callerDepsFromEnv, hardwarePort, scaleKicker } from "../_runtime/function-deps.ts";
import type { FunctionEnv } from "../_shared/config/env.ts";
import type { OpenAIDeps } from "./context.ts";
import type { OpenAIEnvValues } from "./env.ts";
import { JOB_SCRIPTS } from "./job-scripts.generated.ts";

/** target → bytes of every script the SDK mounts into its built-in jobs (encoded on first use). */
export function bundledJobScripts(): () => Promise<Record<string, Uint8Array>> {
  let encoded: Record<string, Uint8Array> | undefined;
  return async () => {
    const encoder = new TextEncoder();
    encoded ??= Object.fromEntries(Object.entries(JOB_SCRIPTS).map(([t, text]) => [t, encoder.encode(text)]));
    return encoded;
  };
}

export async function openAIDepsFromEnv(
  env: FunctionEnv,
  openai: OpenAIEnvValues,
  log: (line: string) => void,
): Promise<OpenAIDeps> {
  return {
    ...(await callerDepsFromEnv(env)),
    hardware: hardwarePort,
    config: {
      maxUploadBytes: env.OW_MAX_UPLOAD_BYTES,
      images: { training: openai.OW_OPENAI_TRAINING_IMAGE, inference: openai.OW_OPENAI_INFERENCE_IMAGE },
    },
    jobScripts: bundledJobScripts(),
    kickScaler: scaleKicker(env),
    log,
  };
}
