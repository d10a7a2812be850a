// Acting as a caller in SQL: the same claims the api sets, under role `authenticated`, so RLS
// and the queue functions see exactly what they see in production.
import type postgres from "postgres";

export interface Claims {
  organization_id?: string;
  token_id?: string;
  token_role?: "admin" | "member" | "worker";
  worker_id?: string;
  sub?: string;
}

export async function asCaller<T>(
  sql: postgres.Sql,
  claims: Claims | "anon",
  fn: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return (await sql.begin(async (tx) => {
    if (claims === "anon") {
      await tx`select set_config('request.jwt.claims', '{"role":"anon"}', true)`;
      await tx.unsafe("set local role anon");
    } else {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role: "authenticated", ...claims })}, true)`;
      await tx.unsafe("set local role authenticated");
    }
    return fn(tx);
  })) as T;
}

export interface Org {
  id: string;
  adminTokenId: string;
  admin: Claims;
}

/** Creates an organization with an admin token, as the local stack's bootstrap does. */
export async function createOrg(sql: postgres.Sql, name = "org"): Promise<Org> {
  const [row] = await sql<
    { organization_id: string; token_id: string }[]
  >`select * from internal.bootstrap_organization(${name})`;
  if (!row) throw new Error("bootstrap_organization returned nothing");
  return {
    id: row.organization_id,
    adminTokenId: row.token_id,
    admin: { organization_id: row.organization_id, token_id: row.token_id, token_role: "admin" },
  };
}

/** A worker token's claims (and its token row) for a new worker id in org. */
export async function workerClaims(sql: postgres.Sql, org: string, workerId: string): Promise<Claims> {
  const [row] = await sql<
    { token_id: string }[]
  >`select * from internal.mint_worker_token(${org}, ${workerId})`;
  return { organization_id: org, token_id: row!.token_id, token_role: "worker", worker_id: workerId };
}
