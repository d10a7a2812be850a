// Every query a caller's request makes runs inside one transaction as role `authenticated` with
// the verified claims in `request.jwt.claims`, so RLS and the SQL functions decide — the same
// rules a Supabase client would meet. Service-role sessions are for the scaler and internal steps.
import type postgres from "postgres";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** Claims as the database sees them (see internal.claims()). */
export type DbClaims = Record<string, unknown> & { role: "authenticated" | "anon" | "service_role" };

export async function withClaims<T>(sql: Sql, claims: DbClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await sql.begin(async (tx) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', ${claims.role}, true)`;
    return fn(tx);
  });
  return result as T;
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
