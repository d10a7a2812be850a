// What the api's routes share: its dependencies, the authenticated principal and helpers that
// run a caller's queries under their claims.
import type { Context, MiddlewareHandler } from "hono";
import { authenticate, type Principal, requestSource } from "../_shared/auth/authenticate.ts";
import type { SecretBox } from "../_shared/auth/secret-box.ts";
import type { TokenSigner } from "../_shared/auth/token-signer.ts";
import type { Notifier } from "../_shared/db/notifier.ts";
import { type Sql, type Tx, withClaims } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";

export interface ApiConfig {
  jwtTtlSeconds: number;
  maxUploadBytes: number;
  /** …/functions/v1, for links the api hands out. */
  publicUrl: string;
}

export interface HardwareCatalogPort {
  /** The canonical hardware string ("2x H100S") for what a user wrote, or null if unknown. */
  canonical(name: string): string | null;
  list(): unknown[];
}

export interface ApiDeps {
  sql: Sql;
  signer: TokenSigner;
  secrets: SecretBox;
  store: FileStore;
  notifier: Notifier;
  config: ApiConfig;
  hardware: HardwareCatalogPort;
  /** Asks the scaler to look at the queue now (fire and forget). */
  kickScaler?: () => void;
  log?: (line: string) => void;
}

export type ApiEnv = AppEnv & { Variables: { principal: Principal } };
export type ApiContext = Context<ApiEnv>;

export function requireAuth(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = await authenticate(
      deps.sql,
      deps.signer,
      c.req.header("authorization"),
      requestSource(c.req.raw.headers),
    );
    if (principal.tokenRole === "worker")
      throw new ApiError(403, "forbidden", "worker tokens can only use the worker-api");
    // Whether the token behind a JWT is still valid (and a run token's run still in progress) is
    // checked in SQL at the start of every transaction the request opens (see withClaims).
    c.set("principal", principal);
    await next();
  };
}

/** Runs fn as the caller (role authenticated + their claims), in one transaction; refuses a dead credential. */
export function asCaller<T>(deps: ApiDeps, c: ApiContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(deps.sql, c.get("principal").claims, fn);
}

export { callerOrg } from "../_shared/db/caller-org.ts";
