// The floor: a bare SKIP LOCKED queue on the same server. One prepared UPDATE … WHERE id =
// (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING per claim, one prepared UPDATE per
// completion (fenced by locked_by), autocommit, no roles, no claims, no run rows.
import type postgres from "postgres";
import { type Contender, connect, type DrainResult, timedDrain, vacuum } from "./claim-contender.ts";

export function bare(url: string): Contender {
  const sql = connect(url, 2);

  async function claimLoop(conn: postgres.Sql, worker: string): Promise<number> {
    let n = 0;
    for (;;) {
      const [job] = await conn<{ id: string }[]>`
        update bare.jobs set status = 'in_progress', locked_by = ${worker}, locked_at = now()
        where id = (
          select id from bare.jobs where status = 'pending'
          order by priority desc, created_at, id
          limit 1 for update skip locked)
        returning id`;
      if (!job) return n;
      await conn`update bare.jobs set status = 'completed', finished_at = now()
        where id = ${job.id} and locked_by = ${worker} and status = 'in_progress'`;
      n++;
    }
  }

  return {
    name: "bare SKIP LOCKED loop",
    describe:
      "per job: UPDATE bare.jobs … WHERE id = (SELECT id … WHERE status='pending' ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id; then UPDATE … SET status='completed' WHERE id AND locked_by; prepared, autocommit",
    async setup() {
      await sql.unsafe(`
        create schema if not exists bare;
        create table if not exists bare.jobs (
          id bigint generated always as identity primary key,
          status text not null default 'pending',
          priority integer not null default 0,
          payload jsonb not null default '{}',
          created_at timestamptz not null default now(),
          locked_by text,
          locked_at timestamptz,
          finished_at timestamptz
        );
        create index if not exists bare_jobs_pending_idx on bare.jobs (priority desc, created_at, id) where status = 'pending';`);
    },
    async fill(jobs: number) {
      await sql`truncate bare.jobs`;
      await sql`insert into bare.jobs (payload, created_at)
        select jsonb_build_object('i', i), now() - make_interval(secs => (${jobs} - i) / 1000.0) from generate_series(1, ${jobs}) i`;
      await vacuum(sql, ["bare.jobs"]);
    },
    async drain(workers: number): Promise<DrainResult> {
      const result = await timedDrain(url, workers, (conn, i) => claimLoop(conn, `bare-w${i}`));
      const [check] = await sql<
        { done: number }[]
      >`select count(*)::int as done from bare.jobs where status = 'completed'`;
      if (check?.done !== result.claimed)
        throw new Error(`bare: ${check?.done} completed vs ${result.claimed} claims`);
      return result;
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}
