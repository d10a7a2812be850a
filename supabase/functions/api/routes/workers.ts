import { Hono } from "hono";
import {
  WorkerId,
  WorkerListQuery,
  type WorkerLogLine,
  type WorkerLogPage,
  WorkerLogQuery,
} from "../../_shared/contract/workers.ts";
import { toWire } from "../../_shared/db/session.ts";
import { ApiError, badRequest } from "../../_shared/http/api-error.ts";
import { parseWith, queryObject } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";
import { decodeCursor, page } from "../pagination.ts";

const WORKER_COLUMNS = `id, organization_id, status, provider, pod_id, image, hardware_type, gpu_type, gpu_count, vram_gb,
  cached_models, cost_per_hour::float8 as cost_per_hour, shutdown_requested, last_heartbeat_at, created_at, terminated_at`;

export function workerRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/workers", async (c) => {
    const q = parseWith(WorkerListQuery, queryObject(c), "query");
    const cursor = decodeCursor(q.cursor);
    const rows = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      return tx.unsafe(
        `select ${WORKER_COLUMNS} from public.workers where organization_id = $1 and ($2::public.worker_status is null or status = $2)
         and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::text)) order by created_at desc, id desc limit $5`,
        [org, q.status ?? null, cursor?.t ?? null, cursor?.id ?? "", q.limit + 1],
      );
    });
    return c.json(
      page(rows as unknown as { created_at: unknown; id: unknown }[], q.limit, (r) =>
        toWire(r as Record<string, unknown>),
      ),
    );
  });

  app.post("/workers/:id/shutdown", async (c) => {
    const id = c.req.param("id");
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(id))
      throw badRequest("invalid worker id", [{ path: "id", message: "invalid" }]);
    const row = await asCaller(deps, c, async (tx) => {
      await tx`select public.request_worker_shutdown(${id})`;
      return (await tx.unsafe(`select ${WORKER_COLUMNS} from public.workers where id = $1`, [id]))[0];
    });
    return c.json(toWire(row as Record<string, unknown>));
  });

  // Lines about a worker outside any run (boot, start, GPU health, registration, crash), oldest
  // first; RLS shows only the caller's organization, so another org's worker reads as not found.
  app.get("/workers/:id/logs", async (c) => {
    const id = parseWith(WorkerId, c.req.param("id"), "id");
    const q = parseWith(WorkerLogQuery, queryObject(c), "query");
    const { exists, rows } = await asCaller(deps, c, async (tx) => {
      const [worker] = await tx`select 1 from public.workers where id = ${id}`;
      const lines = await tx`select id::float8 as id, source, line, created_at from public.worker_logs
        where worker_id = ${id} and id > ${q.after} order by id limit ${q.limit}`;
      return { exists: worker !== undefined, rows: lines };
    });
    if (!exists) throw new ApiError(404, "not_found", `no worker ${id}`);
    const data = rows.map((r) => toWire(r as Record<string, unknown>) as unknown as WorkerLogLine);
    return c.json({ object: "list", data, next_after: data.at(-1)?.id ?? null } satisfies WorkerLogPage);
  });

  app.get("/hardware", async (c) => {
    // No query needs the caller, but a revoked or expired credential must not work here either.
    await asCaller(deps, c, async () => {});
    return c.json({ object: "list", data: deps.hardware.list(), next_cursor: null });
  });

  return app;
}
