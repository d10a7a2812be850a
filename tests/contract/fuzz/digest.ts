// Every table's rows and the files directory as one digest, in one query: the fuzz suite compares
// it before and after each rejected request. Bookkeeping a rejected request may legitimately write
// is left out, as in tests/api/bad-input/harness.ts: the rate limiter's failed-guess counts and a
// token's throttled last_used_at.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type postgres from "postgres";

export async function databaseDigest(sql: postgres.Sql, filesDir: string): Promise<() => Promise<string>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
      and (table_schema, table_name) <> ('internal', 'auth_failures')
    order by 1, 2`;
  const parts = tables.map(
    (t) =>
      `(select count(*)::text || ':' || coalesce(md5(string_agg((to_jsonb(x) - 'last_used_at')::text, ',' order by (to_jsonb(x) - 'last_used_at')::text)), '-') from "${t.schema}"."${t.name}" x)`,
  );
  const query = `select md5(concat_ws('|', ${parts.join(", ")})) as digest`;
  return async () => {
    const [row] = await sql.unsafe<{ digest: string }[]>(query);
    return `${row?.digest} ${listFiles(filesDir).join(",")}`;
  };
}

function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, rel));
    else out.push(`${rel}:${statSync(full).size}`);
  }
  return out.sort();
}
