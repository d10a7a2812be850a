// Eight workers on eight connections drain one organization's queue at the same time. claim_job's
// FOR UPDATE SKIP LOCKED must hand every job to exactly one of them: a claim that is not atomic
// (read a pending job, then update it) double-claims under this load — either two runs in
// progress for one job (refused by runs_one_in_progress_per_job, 23505) or a job run twice.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, type Claims, createOrg, type Org, workerClaims } from "../support/claims.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const JOBS = 2_000;
const WORKERS = 8;

let db: TestDatabase;
let org: Org;
beforeAll(async () => {
  db = await createTestDatabase();
  org = await createOrg(db.sql, "concurrency");
});
afterAll(async () => db.drop());

interface Drained {
  worker: string;
  claimed: string[];
  errors: string[];
}

/** Claims (each claim its own transaction) and completes until the queue is empty. */
async function drain(url: string, claims: Claims): Promise<Drained> {
  const conn = postgres(url, { max: 1, onnotice: () => {} });
  const result: Drained = { worker: claims.worker_id ?? "?", claimed: [], errors: [] };
  try {
    await conn`select 1`;
    for (;;) {
      let run: { id: string; job_id: string } | undefined;
      try {
        run = await asCaller(conn, claims, async (tx) => {
          const rows = await tx<
            { id: string; job_id: string }[]
          >`select id, job_id from public.claim_job(60)`;
          return rows[0];
        });
      } catch (error) {
        result.errors.push(`claim: ${(error as { code?: string }).code ?? String(error)}`);
        if (result.errors.length > 20) break;
        continue;
      }
      if (!run) break;
      result.claimed.push(run.job_id);
      const runId = run.id;
      try {
        await asCaller(conn, claims, (tx) => tx`select * from public.complete_run(${runId}, 0)`);
      } catch (error) {
        result.errors.push(`complete: ${(error as { code?: string }).code ?? String(error)}`);
      }
    }
  } finally {
    await conn.end({ timeout: 1 });
  }
  return result;
}

describe("claiming under concurrency", () => {
  it(`${WORKERS} workers claiming ${JOBS} jobs at once claim each job exactly once, each as attempt 1`, {
    timeout: 180_000,
  }, async () => {
    const workers: Claims[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const claims = await workerClaims(db.sql, org.id, `w-${i}`);
      await asCaller(
        db.sql,
        claims,
        (tx) => tx`select public.register_worker('img:1', 'local', null, null, null, 0, 0, '{}')`,
      );
      workers.push(claims);
    }
    const [submitted] = await asCaller(
      db.sql,
      org.admin,
      (tx) => tx<{ n: number }[]>`select count(*)::int as n from generate_series(1, ${JOBS}) i,
        lateral public.submit_job(p_type => 'custom', p_image => 'img:1', p_entrypoint => array['true'],
          p_params => jsonb_build_object('n', i), p_requires_vram_gb => 0) s where s.created`,
    );
    expect(submitted?.n).toBe(JOBS);

    const drained = await Promise.all(workers.map((claims) => drain(db.url, claims)));

    expect(drained.flatMap((d) => d.errors.map((e) => `${d.worker} ${e}`))).toEqual([]);
    const claimed = drained.flatMap((d) => d.claimed);
    expect(claimed).toHaveLength(JOBS);
    expect(new Set(claimed).size).toBe(JOBS);

    const [runs] = await db.sql<{ runs: number; jobs: number; not_first: number; not_completed: number }[]>`
      select count(*)::int as runs, count(distinct job_id)::int as jobs,
        count(*) filter (where attempt <> 1)::int as not_first,
        count(*) filter (where status <> 'completed')::int as not_completed
      from public.runs where organization_id = ${org.id}`;
    expect(runs).toEqual({ runs: JOBS, jobs: JOBS, not_first: 0, not_completed: 0 });
    const statuses = await db.sql<{ status: string; n: number }[]>`
      select status::text, count(*)::int as n from public.jobs where organization_id = ${org.id} group by status`;
    expect(statuses.map((r) => ({ ...r }))).toEqual([{ status: "completed", n: JOBS }]);

    const [index] = await db.sql<{ unique: boolean; valid: boolean; predicate: string }[]>`
      select i.indisunique as unique, i.indisvalid as valid, pg_get_expr(i.indpred, i.indrelid) as predicate
      from pg_index i where i.indexrelid = 'public.runs_one_in_progress_per_job'::regclass`;
    expect(index).toEqual({ unique: true, valid: true, predicate: "(status = 'in_progress'::run_status)" });
    const [again] = await asCaller(
      db.sql,
      workers[0] as Claims,
      (tx) => tx`select count(*)::int as n from public.claim_job(60)`,
    );
    expect(again?.n).toBe(0);
  });
});
