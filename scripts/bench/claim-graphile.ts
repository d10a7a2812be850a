// graphile-worker 0.17.3 unbatched, as its runner ships: `run({ concurrency })` with a no-op task.
// Defaults kept: localQueue off (each worker calls get_job for one job: one CTE UPDATE … FOR UPDATE
// SKIP LOCKED, prepared) and completeJobBatchDelay -1 (one prepared DELETE per completed job).
// Note its worker does not await completeJob before fetching the next job, so get and complete
// overlap on its pg pool (maxPoolSize 10 ≥ concurrency + 2). The clock runs from the first
// job:start to the moment graphile_worker._private_jobs is empty (every DELETE committed).
import { Logger, run, runMigrations } from "graphile-worker";
import { type Contender, connect, type DrainResult, vacuum } from "./claim-contender.ts";

const silent = new Logger(() => () => {});

export function graphile(url: string): Contender {
  const sql = connect(url, 2);

  return {
    name: "graphile-worker 0.17.3 (unbatched)",
    describe:
      "run({ concurrency: W, pollInterval: 1000, taskList: { noop } }) with defaults (localQueue off, completeJobBatchDelay -1): per job one get_job UPDATE … FOR UPDATE SKIP LOCKED and one DELETE, prepared, on a node-postgres pool of 10",
    async setup() {
      await runMigrations({ connectionString: url, logger: silent });
    },
    async fill(jobs: number) {
      await sql`delete from graphile_worker._private_jobs`;
      await sql`select graphile_worker.add_jobs(array(
        select row('noop', json_build_object('i', i), null, null, null, null, null, null)::graphile_worker.job_spec
        from generate_series(1, ${jobs}) i))`;
      await vacuum(sql, ["graphile_worker._private_jobs"]);
    },
    async drain(workers: number): Promise<DrainResult> {
      const [before] = await sql<
        { n: number }[]
      >`select count(*)::int as n from graphile_worker._private_jobs`;
      const total = before?.n ?? 0;
      let started = 0;
      let done = 0;
      let allDone: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        allDone = resolve;
      });
      const runner = await run({
        connectionString: url,
        concurrency: workers,
        noHandleSignals: true,
        pollInterval: 1000,
        logger: silent,
        taskList: { noop: async () => {} },
      });
      runner.events.on("job:start", () => {
        if (started === 0) started = performance.now();
      });
      runner.events.on("job:complete", ({ error }) => {
        if (error) throw new Error(`graphile noop task failed: ${String(error)}`);
        done++;
        if (done === total) allDone();
      });
      await finished;
      // job:complete fires before the DELETE it started has committed: wait for the table to empty.
      for (;;) {
        const [left] = await sql<
          { n: number }[]
        >`select count(*)::int as n from graphile_worker._private_jobs`;
        if (left?.n === 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      const seconds = (performance.now() - started) / 1000;
      await runner.stop();
      return { claimed: done, seconds };
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}
