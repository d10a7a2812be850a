import { JobRoutes } from "../../_shared/contract/routes/index.ts";
import type { Row } from "../../_shared/db/row-mapper.ts";
import { needsScaler, submitJob } from "../../_shared/db/submit-job.ts";
import { canonicalHardwareList } from "../../_shared/hardware/hardware-list.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { answer } from "../../_shared/http/define-route.ts";
import { type ApiContext, type ApiDeps, asCaller, callerOrg, route } from "../context.ts";
import { decodeCursor, page } from "../pagination.ts";
import { JOB_COLUMNS, jobToWire } from "./job-wire.ts";

export function jobRoutes(deps: ApiDeps) {
  return [
    route(JobRoutes.submit, async ({ c, body: s }) => {
      s.allowed_hardware = canonicalHardwareList(deps.hardware, s.allowed_hardware);
      const row = await asCaller(deps, c, (tx) => submitJob(tx, s));
      if (needsScaler(row)) deps.kickScaler?.();
      const job = { ...jobToWire(row.job), created: row.created, reset: row.reset };
      return answer(row.created ? 201 : 200, job);
    }),

    route(JobRoutes.list, async ({ c, query: q }) => {
      const params = q.params === undefined ? null : parseParamsFilter(q.params);
      const cursor = decodeCursor(q.cursor);
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        return tx.unsafe(
          `select ${JOB_COLUMNS} from public.jobs
           where organization_id = $1 and ($2::public.job_status is null or status = $2) and ($3::text is null or type = $3)
             and ($4::jsonb is null or params @> $4::jsonb) and ($5::timestamptz is null or created_at > $5)
             and ($6::timestamptz is null or created_at < $6)
             and ($7::timestamptz is null or (created_at, id) < ($7::timestamptz, $8::text))
           order by created_at desc, id desc limit $9`,
          [
            org,
            q.status ?? null,
            q.type ?? null,
            params as never,
            q.created_after ?? null,
            q.created_before ?? null,
            cursor?.t ?? null,
            cursor?.id ?? "",
            q.limit + 1,
          ],
        );
      });
      return page(rows, q.limit, jobToWire);
    }),

    route(JobRoutes.retrieve, async ({ c, params }) => jobToWire(await findJob(deps, c, params.id))),

    route(JobRoutes.cancel, async ({ c, params }) => {
      const row = await asCaller(
        deps,
        c,
        async (tx) => (await tx`select to_jsonb(j) as job from public.cancel_job(${params.id}) j`)[0],
      );
      if (!row) throw notFound("job");
      return jobToWire(row.job as Row);
    }),

    route(JobRoutes.restart, async ({ c, params }) => {
      const row = await asCaller(
        deps,
        c,
        async (tx) => (await tx`select to_jsonb(j) as job from public.restart_job(${params.id}) j`)[0],
      );
      if (!row) throw notFound("job");
      deps.kickScaler?.();
      return jobToWire(row.job as Row);
    }),
  ];
}

/** The caller's job by id (RLS hides other organizations' jobs: they read as not found). */
export async function findJob(deps: ApiDeps, c: ApiContext, id: string): Promise<Row> {
  const rows = await asCaller(deps, c, async (tx) => {
    await callerOrg(tx);
    return tx.unsafe(`select ${JOB_COLUMNS} from public.jobs where id = $1`, [id]);
  });
  if (!rows[0]) throw notFound("job");
  return rows[0];
}

function parseParamsFilter(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_request", "params must be a JSON object", [
      { path: "params", message: "not JSON" },
    ]);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "invalid_request", "params must be a JSON object", [
      { path: "params", message: "not an object" },
    ]);
  }
  // Passed as a jsonb parameter: postgres.js serializes the object itself.
  return value as Record<string, unknown>;
}
