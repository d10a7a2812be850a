// How each caller kind of a route declaration (define-route.ts) is authenticated. The functions
// pass these to mountRoutes; a route's `who` picks one, so no route is reachable without the
// check its declaration names.
import type { Context } from "hono";
import { authenticate, type Principal, requestSource } from "../auth/authenticate.ts";
import type { TokenSigner } from "../auth/token-signer.ts";
import type { Sql } from "../db/session.ts";
import { ApiError } from "./api-error.ts";

interface AuthDeps {
  sql: Sql;
  signer: TokenSigner;
}

function principalOf(deps: AuthDeps, c: Context): Promise<Principal> {
  return authenticate(deps.sql, deps.signer, c.req.header("authorization"), requestSource(c.req.raw.headers));
}

/**
 * `member` and `admin`: any credential but a worker token. Whether the token behind a JWT is still
 * valid (and a run token's run still in progress) is checked in SQL at the start of every
 * transaction the request opens (withClaims); admin-only routes are refused there too
 * (internal.require_member(org, true)), since a session user's role lives in the membership row.
 */
export function memberAuthenticator(deps: AuthDeps) {
  return async (c: Context): Promise<void> => {
    const principal = await principalOf(deps, c);
    if (principal.tokenRole === "worker")
      throw new ApiError(403, "forbidden", "worker tokens can only use the worker-api");
    c.set("principal", principal);
  };
}

/** `worker`: only worker-role tokens, bound to one worker id, may speak the worker protocol. */
export function workerAuthenticator(deps: AuthDeps) {
  return async (c: Context): Promise<void> => {
    const principal = await principalOf(deps, c);
    if (principal.tokenRole !== "worker" || !principal.workerId || !principal.organizationId)
      throw new ApiError(403, "forbidden", "the worker-api needs a worker token");
    c.set("principal", principal);
  };
}

/** `cron`: the scale function's shared secret as a bearer, compared in constant time. */
export function secretAuthenticator(secret: () => string) {
  return async (c: Context): Promise<void> => {
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!constantTimeEqual(given, secret()))
      throw new ApiError(401, "unauthenticated", "the scale function needs its secret");
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** `public` and `signed_url`: nothing to check here (a signed URL's handler verifies its token). */
export const noAuthentication = async (): Promise<void> => {};
