// Every query a caller's request makes runs inside one transaction as role `authenticated` with
// the verified claims in `request.jwt.claims`, so RLS and the SQL functions decide — the same
// rules a Supabase client would meet. Service-role sessions are for the scaler and internal steps.
import type postgres from "postgres";
import { ApiError } from "../http/api-error.ts";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** Claims as the database sees them (see internal.claims()). */
export type DbClaims = Record<string, unknown> & { role: "authenticated" | "anon" | "service_role" };

/**
 * How long a request may wait for its database session (a connection, BEGIN, the claims) before
 * it answers 503. Cut from PostgreSQL under load, postgres.js under Deno left some queries
 * waiting ~110 s for a connection slot (tests/api/database-outage.test.ts); a working database
 * opens a session in milliseconds. Only the session's start is bounded: once it is open, the
 * request's own statements take as long as they take.
 */
export const SESSION_START_DEADLINE_MS = 8_000;

export async function withClaims<T>(sql: Sql, claims: DbClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let started = false;
  const work = sql.begin(async (tx) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE. The FROM clause runs first, so
    // a JWT whose API token was revoked or expired (or a run token whose run ended) fails here,
    // before any of the caller's statements (internal.assert_live_credential).
    const json = JSON.stringify(claims);
    await tx`select set_config('request.jwt.claims', ${json}, true), set_config('role', ${claims.role}, true)
      from internal.assert_live_credential(${json}::text::jsonb)`;
    started = true;
    return fn(tx);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (started) return;
      work.catch(() => undefined); // it may still fail later; nobody waits for it any more
      reject(new ApiError(503, "database_unavailable", "the database did not answer in time; retry shortly"));
    }, SESSION_START_DEADLINE_MS);
  });
  try {
    return (await Promise.race([work, deadline])) as T;
  } finally {
    clearTimeout(timer);
  }
}

export function asService<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(sql, { role: "service_role" }, fn);
}

export function asAnon<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(sql, { role: "anon" }, fn);
}

/** Rows from postgres.js carry Date objects; the wire uses ISO strings. */
export function toWire<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value instanceof Date ? value.toISOString() : typeof value === "bigint" ? Number(value) : value;
  }
  return out as T;
}
