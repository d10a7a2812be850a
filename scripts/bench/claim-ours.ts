// Our queue as a worker meets it: each claim is one transaction that sets the worker token's JWT
// claims, switches to role authenticated and calls public.claim_job; then another transaction
// calls public.complete_run the same way. Each transaction is sent as one simple-protocol query
// (an implicit transaction block, so SET LOCAL applies), i.e. one round trip per call, like the
// bare loop and graphile-worker's prepared statements.
import type postgres from "postgres";
import { type Contender, connect, type DrainResult, timedDrain, vacuum } from "./claim-contender.ts";

export function ours(url: string, maxWorkers: number): Contender {
  const sql = connect(url, 2);
  let org = "";
  const prefixes: string[] = [];

  async function claimLoop(conn: postgres.Sql, prefix: string): Promise<number> {
    let n = 0;
    for (;;) {
      const results = (await conn
        .unsafe(`${prefix} select id from public.claim_job(60)`)
        .simple()) as unknown as postgres.RowList<{ id: string }[]>[];
      const run = results.at(-1)?.[0];
      if (!run) return n;
      await conn.unsafe(`${prefix} select 1 from public.complete_run('${run.id}', 0)`).simple();
      n++;
    }
  }

  return {
    name: "ours: claim_job + complete_run",
    describe:
      "per job: txn 1 = set_config(request.jwt.claims) + SET LOCAL ROLE authenticated + public.claim_job(60); txn 2 = the same + public.complete_run(run, 0); one worker token and one connection per claimer",
    async setup() {
      const [row] = await sql<
        { organization_id: string }[]
      >`select organization_id from internal.bootstrap_organization('bench')`;
      org = row?.organization_id ?? "";
      for (let i = 0; i < maxWorkers; i++) {
        const workerId = `bench-w${i}`;
        const [t] = await sql<
          { token_id: string }[]
        >`select token_id from internal.mint_worker_token(${org}, ${workerId})`;
        const claims = JSON.stringify({
          role: "authenticated",
          organization_id: org,
          token_id: t?.token_id,
          token_role: "worker",
          worker_id: workerId,
        });
        const prefix = `select set_config('request.jwt.claims', '${claims.replaceAll("'", "''")}', true); set local role authenticated;`;
        await sql
          .unsafe(
            `${prefix} select public.register_worker('img:bench', 'local', null, null, null, 1, 80, '{}')`,
          )
          .simple();
        prefixes.push(prefix);
      }
    },
    async fill(jobs: number) {
      await sql`delete from public.jobs where organization_id = ${org}`;
      // Direct insert that satisfies every CHECK (ids in the content-id format, distinct ages).
      await sql`
        insert into public.jobs (id, organization_id, type, image, entrypoint, params, requires_vram_gb, created_at)
        select 'bench-' || lpad(to_hex(i), 12, '0'), ${org}, 'bench', 'img:bench', '{true}', jsonb_build_object('i', i), 0,
          now() - make_interval(secs => (${jobs} - i) / 1000.0)
        from generate_series(1, ${jobs}) i`;
      await vacuum(sql, ["public.jobs", "public.runs", "public.workers"]);
    },
    async drain(workers: number): Promise<DrainResult> {
      const result = await timedDrain(url, workers, (conn, i) => claimLoop(conn, prefixes[i] ?? ""));
      const [check] = await sql<{ runs: number; done: number }[]>`
        select count(*)::int as runs, count(*) filter (where status = 'completed')::int as done
        from public.runs where organization_id = ${org}`;
      if (check?.runs !== result.claimed || check.done !== result.claimed)
        throw new Error(`ours: ${JSON.stringify(check)} vs ${result.claimed} claims`);
      return result;
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}
