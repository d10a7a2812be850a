// Brings a database to the current schema the way a hosted project gets it: the Supabase
// bootstrap where Supabase's own objects are missing, then `supabase db push` with the CLI.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import postgres from "postgres";

const run = promisify(execFile);
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const supabaseCli = join(repoRoot, "node_modules", "@supabase", "cli-linux-x64", "bin", "supabase");

/** Applies the plain-Postgres stand-in for Supabase's roles, `auth` and `realtime` schemas and helpers. */
export async function applyBootstrap(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<
      { ok: boolean }[]
    >`select exists (select from pg_namespace where nspname = 'auth') and exists (select from pg_namespace where nspname = 'realtime') and exists (select from pg_roles where rolname = 'supabase_admin') as ok`;
    if (!row?.ok)
      await sql.unsafe(readFileSync(join(repoRoot, "scripts", "db", "supabase-bootstrap.sql"), "utf8"));
  } finally {
    await sql.end();
  }
}

/** Applies pending migrations with the Supabase CLI, exactly as `supabase db push` would on a hosted project. */
export async function pushMigrations(url: string): Promise<void> {
  try {
    await run(supabaseCli, ["db", "push", "--db-url", url, "--yes", "--include-all"], {
      cwd: repoRoot,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", NO_COLOR: "1" },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`supabase db push failed:\n${e.stderr ?? ""}${e.stdout ?? ""}`);
  }
}

export async function migrate(url: string): Promise<void> {
  await applyBootstrap(url);
  await pushMigrations(url);
}
