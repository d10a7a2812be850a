import { WorkerRoutes } from "../../_shared/contract/routes/index.ts";
import { Worker, WorkerLogLine } from "../../_shared/contract/workers.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";
import { decodeCursor, page } from "../pagination.ts";

const WORKER_COLUMNS = `id, organization_id, status, provider, pod_id, image, hardware_type, gpu_type, gpu_count, vram_gb,
  cached_models, cost_per_hour::float8 as cost_per_hour, shutdown_requested, last_heartbeat_at, created_at, terminated_at`;
const asWorker = rowMapper(Worker);
const asLogLine = rowMapper(WorkerLogLine);

export function workerRoutes(deps: ApiDeps) {
  return [
    route(WorkerRoutes.list, async ({ c, query: q }) => {
      const cursor = decodeCursor(q.cursor);
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        return tx.unsafe(
          `select ${WORKER_COLUMNS} from public.workers where organization_id = $1 and ($2::public.worker_status is null or status = $2)
           and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::text)) order by created_at desc, id desc limit $5`,
          [org, q.status ?? null, cursor?.t ?? null, cursor?.id ?? "", q.limit + 1],
        );
      });
      return page(rows, q.limit, asWorker);
    }),

    route(WorkerRoutes.shutdown, async ({ c, params }) => {
      const row = await asCaller(deps, c, async (tx) => {
        await tx`select public.request_worker_shutdown(${params.id})`;
        return (
          await tx.unsafe(`select ${WORKER_COLUMNS} from public.workers where id = $1`, [params.id])
        )[0];
      });
      if (!row) throw notFound("worker");
      return asWorker(row);
    }),

    // Lines about a worker outside any run (boot, start, GPU health, registration, crash), oldest
    // first; RLS shows only the caller's organization, so another org's worker reads as not found.
    route(WorkerRoutes.logs, async ({ c, params, query: q }) => {
      const { exists, rows } = await asCaller(deps, c, async (tx) => {
        const [worker] = await tx`select 1 from public.workers where id = ${params.id}`;
        const lines = await tx`select id::float8 as id, source, line, created_at from public.worker_logs
          where worker_id = ${params.id} and id > ${q.after} order by id limit ${q.limit}`;
        return { exists: worker !== undefined, rows: lines };
      });
      if (!exists) throw new ApiError(404, "not_found", `no worker ${params.id}`);
      const data = rows.map(asLogLine);
      return { object: "list" as const, data, next_after: data.at(-1)?.id ?? null };
    }),

    route(WorkerRoutes.hardware, async ({ c }) => {
      // No query needs the caller, but a revoked or expired credential must not work here either.
      await asCaller(deps, c, async () => {});
      return { object: "list" as const, data: deps.hardware.list(), next_cursor: null };
    }),
  ];
}
