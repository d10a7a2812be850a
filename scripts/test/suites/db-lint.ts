// `supabase db lint --fail-on error` (plpgsql_check over every function) on the migrated schema.
import postgres from "postgres";
import { databaseUrl, TEMPLATE_DB } from "../../../tests/support/global-setup.ts";
import type { Cluster } from "../../db/cluster.ts";
import { repoRoot, supabaseCli } from "../../db/migrate.ts";
import { runCommand, type SuiteResult, unavailable } from "./result.ts";

export async function runDbLint(cluster: Cluster, inCi: boolean): Promise<SuiteResult> {
  console.log("\n== supabase db lint");
  if (!cluster.extensions.plpgsqlCheck)
    return unavailable("db-lint", "postgresql plpgsql_check package", inCi);
  const db = "ow_lint";
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.unsafe(`create database ${db} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const { code } = await runCommand(
    supabaseCli,
    [
      "db",
      "lint",
      "--db-url",
      databaseUrl(cluster.url, db),
      "--fail-on",
      "error",
      "--level",
      "warning",
      "-s",
      "public,internal",
    ],
    { cwd: repoRoot },
  );
  return { name: "db-lint", passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
}
