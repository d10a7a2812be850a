// Private-channel authorization as Supabase Realtime performs it (lib/realtime/tenants/
// authorization.ex): inside a transaction that is always rolled back, set `role`,
// `realtime.topic`, `request.jwt.claims` and `request.headers` with set_config, then
//   read:  insert a broadcast message for the topic (as the privileged connection), and see
//          whether the caller's role can SELECT it back: RLS on realtime.messages decides;
//   write: try to INSERT a broadcast message as the caller's role (insufficient_privilege = no).
// So the policy a project writes for Supabase is the one evaluated here, by Postgres itself.
import type postgres from "postgres";

export interface AuthorizationContext {
  topic: string;
  role: string;
  claims: Record<string, unknown>;
  headers?: Record<string, string>;
}

class Rollback extends Error {}

async function inRolledBackTransaction<T>(
  sql: postgres.Sql,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
) {
  let result: T | undefined;
  try {
    await sql.begin(async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}

async function setConnConfig(tx: postgres.TransactionSql, ctx: AuthorizationContext) {
  await tx`select set_config('role', ${ctx.role}, true), set_config('realtime.topic', ${ctx.topic}, true),
    set_config('request.jwt.claims', ${JSON.stringify(ctx.claims)}, true),
    set_config('request.headers', ${JSON.stringify(ctx.headers ?? {})}, true)`;
}

/** Whether the caller may receive broadcasts on the topic (SELECT policy on realtime.messages). */
export async function canReadBroadcast(sql: postgres.Sql, ctx: AuthorizationContext): Promise<boolean> {
  return inRolledBackTransaction(sql, async (tx) => {
    const [probe] = await tx<{ id: string }[]>`insert into realtime.messages (topic, extension)
      values (${ctx.topic}, 'broadcast') returning id`;
    await setConnConfig(tx, ctx);
    const visible = await tx`select id from realtime.messages
      where topic = ${ctx.topic} and extension = 'broadcast' and id = ${probe!.id}`;
    return visible.length === 1;
  });
}

/** Whether the caller may send broadcasts on the topic (INSERT policy on realtime.messages). */
export async function canWriteBroadcast(sql: postgres.Sql, ctx: AuthorizationContext): Promise<boolean> {
  return inRolledBackTransaction(sql, async (tx) => {
    await setConnConfig(tx, ctx);
    try {
      await tx.savepoint(
        (sp) => sp`insert into realtime.messages (topic, extension)
        values (${ctx.topic}, 'broadcast')`,
      );
      return true;
    } catch (error) {
      // 42501 insufficient_privilege: no grant, or a row-level security policy refused the row.
      if ((error as { code?: string }).code === "42501") return false;
      throw error;
    }
  });
}
