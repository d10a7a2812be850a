// What a job did: its runs (ordered by attempt), events (structured records; `latest` merges them
// newest-first per field — the original returned the oldest), and logs (paged by sequence, with a
// long-poll that wakes on NOTIFY when new lines are committed).
import type { LogPage } from "../../_shared/contract/jobs.ts";
import { JobRoutes } from "../../_shared/contract/routes/index.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { type ApiDeps, asCaller, route } from "../context.ts";
import { eventToWire, logChunkToWire, metricSeriesToWire, RUN_COLUMNS, runToWire } from "./job-wire.ts";
import { findJob } from "./jobs.ts";
import { METRIC_SERIES_SQL } from "./metric-series-sql.ts";

export function jobActivityRoutes(deps: ApiDeps) {
  return [
    route(JobRoutes.runs, async ({ c, params }) => {
      await findJob(deps, c, params.id);
      const rows = await asCaller(deps, c, (tx) =>
        tx.unsafe(`select ${RUN_COLUMNS} from public.runs where job_id = $1 order by attempt`, [params.id]),
      );
      return { object: "list" as const, data: rows.map(runToWire), next_cursor: null };
    }),

    route(JobRoutes.events, async ({ c, params, query: q }) => {
      const after = q.cursor === undefined ? 0 : parseEventCursor(q.cursor);
      await findJob(deps, c, params.id);
      const rows = await asCaller(
        deps,
        c,
        (tx) => tx`select id, run_id, job_id, seq, type, data, created_at from public.events
          where job_id = ${params.id} and id > ${after} and (${q.run_id ?? null}::uuid is null or run_id = ${q.run_id ?? null}::uuid)
            and (${q.type ?? null}::text is null or type = ${q.type ?? null}::text)
          order by id limit ${q.limit + 1}`,
      );
      const data = rows.slice(0, q.limit).map(eventToWire);
      const last = data.at(-1);
      return {
        object: "list" as const,
        data,
        next_cursor: rows.length > q.limit && last ? String(last.id) : null,
      };
    }),

    route(JobRoutes.latestEvents, async ({ c, params, query: q }) => {
      const fields = q.fields === undefined ? null : parseFields(q.fields);
      await findJob(deps, c, params.id);
      const rows = await asCaller(
        deps,
        c,
        (tx) => tx<{ key: string; value: unknown }[]>`select distinct on (kv.key) kv.key, kv.value
          from public.events e, jsonb_each(e.data) kv
          where e.job_id = ${params.id} and kv.value <> 'null'::jsonb
            and (${q.run_id ?? null}::uuid is null or e.run_id = ${q.run_id ?? null}::uuid)
            and (${fields}::text[] is null or kv.key = any (${fields}::text[]))
          order by kv.key, e.id desc`,
      );
      return { data: Object.fromEntries(rows.map((r) => [r.key, r.value])) };
    }),

    route(JobRoutes.metrics, async ({ c, params, query: q }) => {
      await findJob(deps, c, params.id);
      const [row] = await asCaller(deps, c, (tx) => tx.unsafe(METRIC_SERIES_SQL, [params.id, q.buckets]));
      return metricSeriesToWire({ object: "metric_series", ...row });
    }),

    route(JobRoutes.logs, async ({ c, params, query: q }) => {
      await findJob(deps, c, params.id);
      const deadline = Date.now() + q.wait * 1000;
      for (;;) {
        const result = await asCaller(deps, c, (tx) => readLogs(tx, params.id, q));
        const remaining = deadline - Date.now();
        if (result.chunks.length > 0 || result.run_finished || !result.run_id || remaining <= 0)
          return result;
        await deps.notifier.wait("ow_logs", result.run_id, Math.min(remaining, 25_000));
      }
    }),
  ];
}

async function readLogs(
  tx: Tx,
  jobId: string,
  q: { run_id?: string | undefined; after_seq: number; limit: number },
): Promise<LogPage> {
  const [run] = q.run_id
    ? await tx`select id, status from public.runs where id = ${q.run_id} and job_id = ${jobId}`
    : await tx`select id, status from public.runs where job_id = ${jobId} order by attempt desc limit 1`;
  if (!run) {
    if (q.run_id) throw new ApiError(404, "not_found", "run not found for this job");
    return { run_id: null, chunks: [], next_after_seq: q.after_seq, run_finished: false };
  }
  const rows = await tx`select run_id, seq, streams, lines, created_at from public.run_logs
    where run_id = ${run.id} and seq > ${q.after_seq} order by seq limit ${q.limit}`;
  const chunks = rows.map(logChunkToWire);
  return {
    run_id: String(run.id),
    chunks,
    next_after_seq: chunks.at(-1)?.seq ?? q.after_seq,
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
