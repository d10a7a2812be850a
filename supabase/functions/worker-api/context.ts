import type { Context } from "hono";
import type { Principal } from "../_shared/auth/authenticate.ts";
import type { SecretBox } from "../_shared/auth/secret-box.ts";
import type { TokenSigner } from "../_shared/auth/token-signer.ts";
import type { Notifier } from "../_shared/db/notifier.ts";
import { type Sql, type Tx, withClaims } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";
import { implementer } from "../_shared/http/define-route.ts";

export interface WorkerApiConfig {
  leaseSeconds: number;
  heartbeatSeconds: number;
  maxClaimWaitMs: number;
  maxUploadBytes: number;
  /** …/functions/v1: the api URL handed to jobs along with their run token. */
  publicUrl: string;
}

export interface WorkerApiDeps {
  sql: Sql;
  signer: TokenSigner;
  secrets: SecretBox;
  store: FileStore;
  notifier: Notifier;
  config: WorkerApiConfig;
  log?: (line: string) => void;
}

export type WorkerEnv = AppEnv & {
  Variables: { principal: Principal & { workerId: string; organizationId: string } };
};

export type WorkerContext = Context<WorkerEnv>;

/** Binds a handler to a declared route (contract/routes/worker-api.ts) with this app's context. */
export const route = implementer<WorkerContext>();

export function asWorker<T>(
  deps: WorkerApiDeps,
  principal: Principal,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return withClaims(deps.sql, principal.claims, fn);
}
