// pgTAP files in supabase/tests, each run by pg_prove in its own clone of the template database.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { databaseUrl, TEMPLATE_DB } from "../../../tests/support/global-setup.ts";
import type { Cluster } from "../../db/cluster.ts";
import { repoRoot } from "../../db/migrate.ts";
import { runCommand, type SuiteResult, unavailable } from "./result.ts";

export async function runPgTap(cluster: Cluster, inCi: boolean): Promise<SuiteResult> {
  console.log("\n== pgTAP");
  if (!cluster.extensions.pgTap || !existsSync("/usr/bin/pg_prove"))
    return unavailable("pgtap", "pg_prove / postgresql pgtap package", inCi);
  const dir = join(repoRoot, "supabase", "tests");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  const db = "ow_pgtap";
  try {
    await admin.unsafe(`drop database if exists ${db} with (force)`);
    await admin.unsafe(`create database ${db} template ${TEMPLATE_DB}`);
    const sql = postgres(databaseUrl(cluster.url, db), { max: 1, onnotice: () => {} });
    await sql.unsafe("create extension if not exists pgtap with schema extensions");
    await sql.end();
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl(cluster.url, db));
  const { output, code } = await runCommand(
    "pg_prove",
    [
      "--verbose",
      "--host",
      url.hostname,
      "--port",
      url.port,
      "--username",
      "postgres",
      "--dbname",
      db,
      ...files.map((f) => join(dir, f)),
    ],
    { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
  );
  const passed = (output.match(/^\s*ok \d+/gm) ?? []).length;
  let failed = (output.match(/^\s*not ok \d+/gm) ?? []).length;
  if (code !== 0 && failed === 0) failed = 1; // a file that died before planning
  return { name: "pgtap", passed, failed, skipped: 0 };
}
