// What a job did: its runs (ordered by attempt), events (structured records; `latest` merges them
// newest-first per field — the original returned the oldest), and logs (paged by sequence, with a
// long-poll that wakes on NOTIFY when new lines are committed).
import { Hono } from "hono";
import { EventListQuery, LatestEventsQuery, LogQuery } from "../../_shared/contract/jobs.ts";
import { type Tx, toWire } from "../../_shared/db/session.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { parseWith, queryObject } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller } from "../context.ts";
import { RUN_COLUMNS } from "./job-wire.ts";
import { findJob } from "./jobs.ts";

export function jobActivityRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/jobs/:id/runs", async (c) => {
    const job = await findJob(deps, c);
    const rows = await asCaller(deps, c, (tx) =>
      tx.unsafe(`select ${RUN_COLUMNS} from public.runs where job_id = $1 order by attempt`, [
        String(job.id),
      ]),
    );
    return c.json({ object: "list", data: rows.map((r) => toWire(r)), next_cursor: null });
  });

  app.get("/jobs/:id/events", async (c) => {
    const q = parseWith(EventListQuery, queryObject(c), "query");
    const after = q.cursor === undefined ? 0 : parseEventCursor(q.cursor);
    const job = await findJob(deps, c);
    const rows = await asCaller(
      deps,
      c,
      (tx) => tx`select id, run_id, job_id, seq, type, data, created_at from public.events
        where job_id = ${String(job.id)} and id > ${after} and (${q.run_id ?? null}::uuid is null or run_id = ${q.run_id ?? null}::uuid)
          and (${q.type ?? null}::text is null or type = ${q.type ?? null}::text)
        order by id limit ${q.limit + 1}`,
    );
    const data = rows.slice(0, q.limit).map((r) => toWire(r));
    const last = data.at(-1) as { id?: number } | undefined;
    return c.json({
      object: "list",
      data,
      next_cursor: rows.length > q.limit && last?.id ? String(last.id) : null,
    });
  });

  app.get("/jobs/:id/events/latest", async (c) => {
    const q = parseWith(LatestEventsQuery, queryObject(c), "query");
    const fields = q.fields === undefined ? null : parseFields(q.fields);
    const job = await findJob(deps, c);
    const rows = await asCaller(
      deps,
      c,
      (tx) => tx`select distinct on (kv.key) kv.key, kv.value from public.events e, jsonb_each(e.data) kv
        where e.job_id = ${String(job.id)} and kv.value <> 'null'::jsonb
          and (${q.run_id ?? null}::uuid is null or e.run_id = ${q.run_id ?? null}::uuid)
          and (${fields}::text[] is null or kv.key = any (${fields}::text[]))
        order by kv.key, e.id desc`,
    );
    return c.json({ data: Object.fromEntries(rows.map((r) => [r.key, r.value])) });
  });

  app.get("/jobs/:id/logs", async (c) => {
    const q = parseWith(LogQuery, queryObject(c), "query");
    const job = await findJob(deps, c);
    const deadline = Date.now() + q.wait * 1000;
    for (;;) {
      const result = await asCaller(deps, c, (tx) => readLogs(tx, String(job.id), q));
      const remaining = deadline - Date.now();
      if (result.chunks.length > 0 || result.run_finished || !result.run_id || remaining <= 0)
        return c.json(result);
      await deps.notifier.wait("ow_logs", result.run_id, Math.min(remaining, 25_000));
    }
  });

  return app;
}

async function readLogs(
  tx: Tx,
  jobId: string,
  q: { run_id?: string | undefined; after_seq: number; limit: number },
) {
  const [run] = q.run_id
    ? await tx`select id, status from public.runs where id = ${q.run_id} and job_id = ${jobId}`
    : await tx`select id, status from public.runs where job_id = ${jobId} order by attempt desc limit 1`;
  if (!run) {
    if (q.run_id) throw new ApiError(404, "not_found", "run not found for this job");
    return { run_id: null, chunks: [], next_after_seq: q.after_seq, run_finished: false };
  }
  const chunks = await tx`select run_id, seq, streams, lines, created_at from public.run_logs
    where run_id = ${run.id} and seq > ${q.after_seq} order by seq limit ${q.limit}`;
  const wire = chunks.map((r) => toWire(r));
  const last = chunks.at(-1);
  return {
    run_id: String(run.id),
    chunks: wire,
    next_after_seq: last ? Number(last.seq) : q.after_seq,
    run_finished: run.status !== "in_progress",
  };
}

function parseEventCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor))
    throw new ApiError(400, "invalid_request", "cursor is not valid", [
      { path: "cursor", message: "not a cursor this api issued" },
    ]);
  return Number(cursor);
}

function parseFields(text: string): string[] {
  const fields = text
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length === 0 || fields.length > 100 || fields.some((f) => f.length > 200)) {
    throw new ApiError(400, "invalid_request", "fields must be a comma-separated list of field names", [
      { path: "fields", message: "invalid" },
    ]);
  }
  return fields;
}
