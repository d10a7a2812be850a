// The runtime pieces the functions' deps.ts build from a parsed environment: token signer, file
// store, hardware catalog, scaler kick. Each function wires its own dependencies in its deps.ts
// (as `scale` does), so no function imports another and _runtime imports none of them.
import type { JWK } from "jose";
import { acceptSupabaseSessions, sessionVerifierFor } from "../_shared/auth/supabase-sessions.ts";
import { createTokenSigner, type TokenSigner } from "../_shared/auth/token-signer.ts";
import { type FunctionEnv, functionDatabaseUrl } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import type { Sql } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import { localUrlSigner } from "../_shared/files/local-url.ts";
import { createSupabaseStorageStore } from "../_shared/files/supabase-storage.ts";
import { canonicalHardware, defaultCatalog } from "../_shared/hardware/index.ts";
import { createLocalDiskStore } from "./local-disk-store.ts";

/**
 * The database, token signer and file store of the functions that serve callers (api, worker-api,
 * openai), wired one way: the database through functionDatabaseUrl, so each logs in as the
 * least-privileged role when OW_DB_URL is set (the openai function once used SUPABASE_DB_URL).
 */
export async function callerDepsFromEnv(
  env: FunctionEnv,
): Promise<{ sql: Sql; signer: TokenSigner; store: FileStore }> {
  const sql = connectDatabase(functionDatabaseUrl(env), env.OW_DB_POOL_SIZE);
  const signer = await signerFromEnv(env);
  return { sql, signer, store: storeFromEnv(env, signer) };
}

export async function signerFromEnv(env: FunctionEnv): Promise<TokenSigner> {
  const own = env.OW_JWT_PRIVATE_JWK
    ? await createTokenSigner({
        kind: "es256",
        privateJwk: JSON.parse(env.OW_JWT_PRIVATE_JWK) as JWK,
        kid: env.OW_JWT_KID,
      })
    : await createTokenSigner({ kind: "hs256", secret: env.OW_JWT_SECRET! });
  const sessions = sessionVerifierFor({
    supabaseUrl: env.SUPABASE_URL,
    jwksUrl: env.SUPABASE_JWKS_URL,
    legacySecret: env.SUPABASE_JWT_SECRET,
  });
  return acceptSupabaseSessions(own, sessions);
}

export function storeFromEnv(env: FunctionEnv, signer: TokenSigner): FileStore {
  if (env.OW_FILE_STORE === "supabase") {
    return createSupabaseStorageStore({
      url: env.SUPABASE_URL!,
      serviceRoleKey: (env.SUPABASE_SECRET_KEY ?? env.SUPABASE_SERVICE_ROLE_KEY)!,
      bucket: env.OW_STORAGE_BUCKET,
    });
  }
  return createLocalDiskStore({
    root: env.OW_LOCAL_FILES_DIR,
    signUrl: localUrlSigner(signer, env.OW_PUBLIC_URL),
  });
}

export const hardwarePort = {
  canonical: (name: string) => canonicalHardware(name, defaultCatalog),
  list: () =>
    defaultCatalog.configs.map((c) => ({
      hardware: c.hardwareType,
      gpu: c.gpu,
      count: c.count,
      vram_gb: c.vramGb,
      cost_per_hour: c.costPerHour,
      verified: c.verified,
    })),
};

/** Asks the scaler to look at the queue now (fire and forget), when OW_SCALE_URL is set. */
export function scaleKicker(env: FunctionEnv): (() => void) | undefined {
  const kickUrl = env.OW_SCALE_URL;
  if (!kickUrl) return undefined;
  return () => {
    fetch(kickUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${env.OW_SCALE_SECRET ?? ""}` },
    }).then(
      (r) => r.body?.cancel(),
      () => {},
    );
  };
}
