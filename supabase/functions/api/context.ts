// What the api's routes share: its dependencies, the authenticated principal and helpers that
// run a caller's queries under their claims.
import type { Context } from "hono";
import type { Principal } from "../_shared/auth/authenticate.ts";
import type { SecretBox } from "../_shared/auth/secret-box.ts";
import type { TokenSigner } from "../_shared/auth/token-signer.ts";
import type { HardwareOption } from "../_shared/contract/routes/index.ts";
import type { Notifier } from "../_shared/db/notifier.ts";
import { type Sql, type Tx, withClaims } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";
import { memberAuthenticator, noAuthentication } from "../_shared/http/callers.ts";
import { implementer } from "../_shared/http/define-route.ts";

export interface ApiConfig {
  jwtTtlSeconds: number;
  maxUploadBytes: number;
  /** …/functions/v1, for links the api hands out. */
  publicUrl: string;
}

export interface HardwareCatalogPort {
  /** The canonical hardware string ("2x H100S") for what a user wrote, or null if unknown. */
  canonical(name: string): string | null;
  list(): HardwareOption[];
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

/** Binds a handler to a declared route (contract/routes) with the api's context type. */
export const route = implementer<ApiContext>();

/** The caller kinds the api serves (see define-route.ts); mountRoutes refuses any other. */
export function apiAuthenticators(deps: ApiDeps) {
  const member = memberAuthenticator(deps);
  return { public: noAuthentication, signed_url: noAuthentication, member, admin: member };
}

/** Runs fn as the caller (role authenticated + their claims), in one transaction; refuses a dead credential. */
export function asCaller<T>(deps: ApiDeps, c: ApiContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(deps.sql, c.get("principal").claims, fn);
}

export { callerOrg } from "../_shared/db/caller-org.ts";
