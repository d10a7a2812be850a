// Turns the Authorization header into a verified principal. Accepted credentials: an `ow_` API
// token (checked in the database on every request, so revocation is immediate), a JWT we issued
// for such a token (valid until it expires — keep OW_JWT_TTL_SECONDS short), or a Supabase Auth
// session JWT (dashboard users; membership rows decide their organization).
import type { DbClaims, Sql } from "../db/session.ts";
import { ApiError } from "../http/api-error.ts";
import { sha256Hex } from "./hashing.ts";
import type { TokenSigner } from "./token-signer.ts";

export type TokenRoleName = "admin" | "member" | "worker";

export interface Principal {
  /** What the database sees as request.jwt.claims. */
  claims: DbClaims;
  organizationId: string | null;
  tokenId: string | null;
  tokenRole: TokenRoleName | null;
  workerId: string | null;
  userId: string | null;
  runId: string | null;
  tokenExpiresAt: Date | null;
}

export interface ExchangedToken {
  token_id: string | null;
  organization_id: string | null;
  role: TokenRoleName | null;
  worker_id: string | null;
  expires_at: Date | null;
  outcome: "ok" | "revoked" | "expired" | "invalid";
}

const TOKEN_SHAPE = /^ow_[A-Za-z0-9_-]{43}$/;

/**
 * Where a request comes from, for counting failed token guesses: the last x-forwarded-for hop (the
 * one the platform's proxy appended; earlier hops are the client's word), else "direct".
 */
export function requestSource(headers: { get(name: string): string | null }): string {
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops.at(-1)?.slice(0, 200) ?? "direct";
}

export async function exchangeApiToken(
  sql: Sql,
  token: string,
  source: string,
): Promise<ExchangedToken & { outcome: "ok" }> {
  if (!TOKEN_SHAPE.test(token)) throw new ApiError(401, "invalid_token", "the API token is not valid");
  const hash = await sha256Hex(token);
  // One statement, no transaction: the function is security definer and needs no caller claims,
  // and a raw-token request otherwise paid four extra round trips (bench:api: 4.8× the direct call).
  // Unknown tokens are counted per source and prefix; past the limit this raises OWLIM → 429.
  const [row] = await sql<
    ExchangedToken[]
  >`select * from public.exchange_api_token_limited(${hash}, ${source}, ${token.slice(0, 11)})`;
  switch (row?.outcome) {
    case "ok":
      return row as ExchangedToken & { outcome: "ok" };
    case "revoked":
      throw new ApiError(401, "token_revoked", "this API token has been revoked");
    case "expired":
      throw new ApiError(401, "token_expired", "this API token has expired");
    case "invalid":
      throw new ApiError(401, "invalid_token", "the API token is not valid");
    default:
      // The function answers one row with one of the outcomes above on every path; no row is a
      // lost answer (seen once while the database was being cut), not a verdict on the token. A
      // 401 would tell a worker its credentials were rejected, and it would stop for good.
      throw new ApiError(503, "database_unavailable", "the database gave no answer; retry shortly");
  }
}

export function principalFromToken(t: ExchangedToken): Principal {
  const claims: DbClaims = {
    role: "authenticated",
    organization_id: t.organization_id,
    token_id: t.token_id,
    token_role: t.role,
    ...(t.worker_id ? { worker_id: t.worker_id } : {}),
  };
  return {
    claims,
    organizationId: t.organization_id,
    tokenId: t.token_id,
    tokenRole: t.role,
    workerId: t.worker_id,
    userId: null,
    runId: null,
    tokenExpiresAt: t.expires_at,
  };
}

export async function authenticate(
  sql: Sql,
  signer: TokenSigner,
  header: string | undefined,
  source: string,
): Promise<Principal> {
  if (!header)
    throw new ApiError(401, "unauthenticated", "send `Authorization: Bearer <API token or access token>`");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw new ApiError(401, "unauthenticated", "the Authorization header must be `Bearer <token>`");
  const credential = match[1];
  if (credential.startsWith("ow_"))
    return principalFromToken(await exchangeApiToken(sql, credential, source));
  return principalFromJwt(await signer.verify(credential));
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function principalFromJwt(payload: Record<string, unknown>): Principal {
  if (payload.role !== "authenticated")
    throw new ApiError(401, "invalid_token", "the access token is not for an authenticated caller");
  const role = str(payload.token_role);
  const tokenRole = role === "admin" || role === "member" || role === "worker" ? role : null;
  const organizationId = str(payload.organization_id);
  const userId = str(payload.sub);
  if (!organizationId && !userId)
    throw new ApiError(401, "invalid_token", "the access token names no organization or user");
  const claims: DbClaims = { role: "authenticated" };
  for (const key of [
    "organization_id",
    "token_id",
    "token_role",
    "worker_id",
    "run_id",
    "job_id",
    "sub",
    "email",
  ]) {
    if (payload[key] !== undefined) claims[key] = payload[key];
  }
  return {
    claims,
    organizationId,
    tokenId: str(payload.token_id),
    tokenRole,
    workerId: tokenRole === "worker" ? str(payload.worker_id) : null,
    userId,
    runId: str(payload.run_id),
    tokenExpiresAt: null,
  };
}
