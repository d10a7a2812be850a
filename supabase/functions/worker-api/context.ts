import type { MiddlewareHandler } from "hono";
import { authenticate, type Principal, requestSource } from "../_shared/auth/authenticate.ts";
import type { SecretBox } from "../_shared/auth/secret-box.ts";
import type { TokenSigner } from "../_shared/auth/token-signer.ts";
import type { Notifier } from "../_shared/db/notifier.ts";
import { type Sql, type Tx, withClaims } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";

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

/** Only worker-role tokens (bound to one worker id) may speak the worker protocol. */
export function requireWorker(deps: WorkerApiDeps): MiddlewareHandler<WorkerEnv> {
  return async (c, next) => {
    const principal = await authenticate(
      deps.sql,
      deps.signer,
      c.req.header("authorization"),
      requestSource(c.req.raw.headers),
    );
    if (principal.tokenRole !== "worker" || !principal.workerId || !principal.organizationId) {
      throw new ApiError(403, "forbidden", "the worker-api needs a worker token");
    }
    c.set("principal", principal as WorkerEnv["Variables"]["principal"]);
    await next();
  };
}

export function asWorker<T>(
  deps: WorkerApiDeps,
  principal: Principal,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return withClaims(deps.sql, principal.claims, fn);
}
