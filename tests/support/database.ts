// Gives a test file its own database cloned from the migrated template.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { functionsUrl } from "../../scripts/db/functions-role.ts";
import { databaseUrl, TEMPLATE_DB } from "./global-setup.ts";

export interface TestDatabase {
  /** Superuser URL of this test's database (bypasses RLS; use for setup and assertions). */
  url: string;
  /** The same database as the functions' least-privileged login (openweights_functions). */
  functionsUrl: string;
  name: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  return {
    url,
    functionsUrl: functionsUrl(url, inject("pgFunctionsPassword")),
    name,
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
