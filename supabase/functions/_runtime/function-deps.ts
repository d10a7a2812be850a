// Builds a function's dependencies from its parsed environment: database pool, token signer,
// secret box, file store, notifier, hardware catalog. Shared by every function entry and by the
// local gateway, so Deno (production) and tests wire things the same way.
import type { JWK } from "jose";
import { createSecretBox } from "../_shared/auth/secret-box.ts";
import { acceptSupabaseSessions, sessionVerifierFor } from "../_shared/auth/supabase-sessions.ts";
import { createTokenSigner, type TokenSigner } from "../_shared/auth/token-signer.ts";
import { type FunctionEnv, functionDatabaseUrl } from "../_shared/config/env.ts";
import { connectDatabase } from "../_shared/db/connect.ts";
import { Notifier } from "../_shared/db/notifier.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import { createSupabaseStorageStore } from "../_shared/files/supabase-storage.ts";
import { canonicalHardware, defaultCatalog } from "../_shared/hardware/index.ts";
import type { ApiDeps } from "../api/context.ts";
import { localUrlSigner } from "../api/routes/local-files.ts";
import type { WorkerApiDeps } from "../worker-api/context.ts";
import { createLocalDiskStore } from "./local-disk-store.ts";

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
