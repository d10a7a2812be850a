// The reaper is scheduled by pg_cron only where pg_cron runs (its database is `postgres`, per
// cron.database_name); elsewhere the guarded migration must be a clean no-op.
import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import { migrate } from "../../scripts/db/migrate.ts";

describe("the lease reaper schedule", () => {
  // Applies every migration through the Supabase CLI: 16 s alone on the loaded 2-core machine,
  // over the default 30 s inside the full suite (2026-12-04), so it gets 120 s.
  it("exists where pg_cron is preloaded, and the migrations still apply where it is not", {
    timeout: 120_000,
  }, async () => {
    const adminUrl = inject("pgAdminUrl");
    await migrate(adminUrl); // the cluster's `postgres` database, where pg_cron lives
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      const [preload] = await sql`select current_setting('shared_preload_libraries') as libs`;
      const cronLoaded = String(preload?.libs ?? "").includes("pg_cron");
      const [cron] = await sql`select count(*)::int as n from pg_extension where extname = 'pg_cron'`;
      if (cronLoaded) {
        const jobs =
          await sql`select schedule, command from cron.job where jobname = 'openweights-reap-expired-leases'`;
        expect(jobs).toEqual([{ schedule: "* * * * *", command: "select public.reap_expired_leases()" }]);
      } else {
        expect(cron?.n).toBe(0);
      }
      const [reaper] =
        await sql`select count(*)::int as n from pg_proc where proname = 'reap_expired_leases'`;
      expect(reaper?.n).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
