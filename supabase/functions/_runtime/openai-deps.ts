// Dependencies of the openai function: the api's database, signer and file store wiring, plus the
// built-in jobs' Python scripts read once from the SDK's job-scripts/ (node:fs, hence _runtime).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findJobScriptsDir, listJobScripts } from "../../../sdk/src/jobs/node-scripts.ts";
import type { FunctionEnv } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import type { OpenAIDeps } from "../openai/context.ts";
import type { OpenAIEnvValues } from "../openai/env.ts";
import { hardwarePort, scaleKicker, signerFromEnv, storeFromEnv } from "./function-deps.ts";

/** target → bytes of every script the SDK mounts into its built-in jobs (read on first use). */
export function diskJobScripts(root?: string): () => Promise<Record<string, Uint8Array>> {
  let loaded: Promise<Record<string, Uint8Array>> | undefined;
  return () => {
    loaded ??= Promise.resolve().then(() => {
      const dir = root ?? findJobScriptsDir();
      return Object.fromEntries(
        listJobScripts(dir).map((t) => [t, new Uint8Array(readFileSync(join(dir, t)))]),
      );
    });
    return loaded;
  };
}

export async function openAIDepsFromEnv(
  env: FunctionEnv,
  openai: OpenAIEnvValues,
  log: (line: string) => void,
): Promise<OpenAIDeps> {
  const sql = connectDatabase(env.SUPABASE_DB_URL, env.OW_DB_POOL_SIZE);
  const signer = await signerFromEnv(env);
  return {
    sql,
    signer,
    store: storeFromEnv(env, signer),
    hardware: hardwarePort,
    config: {
      maxUploadBytes: env.OW_MAX_UPLOAD_BYTES,
      images: { training: openai.OW_OPENAI_TRAINING_IMAGE, inference: openai.OW_OPENAI_INFERENCE_IMAGE },
    },
    jobScripts: diskJobScripts(),
    kickScaler: scaleKicker(env),
    log,
  };
}
