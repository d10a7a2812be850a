import { Hono } from "hono";
import { JobId } from "../../_shared/contract/common.ts";
import { JobListQuery, JobSubmission } from "../../_shared/contract/jobs.ts";
import { needsScaler, submitJob } from "../../_shared/db/submit-job.ts";
import { canonicalHardwareList } from "../../_shared/hardware/hardware-list.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { parseWith, queryObject, readJson } from "../../_shared/http/base-app.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";
import { decodeCursor, page } from "../pagination.ts";
import { JOB_COLUMNS, jobToWire } from "./job-wire.ts";

const MAX_SUBMISSION_BYTES = 2_000_000;

export function jobRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.post("/jobs", async (c) => {
    const s = parseWith(JobSubmission, await readJson(c, MAX_SUBMISSION_BYTES), "body");
    s.allowed_hardware = canonicalHardwareList(deps.hardware, s.allowed_hardware);
    const row = await asCaller(deps, c, (tx) => submitJob(tx, s));
    if (needsScaler(row)) deps.kickScaler?.();
    return c.json({ ...jobToWire(row.job), created: row.created, reset: row.reset }, row.created ? 201 : 200);
  });

  app.get("/jobs", async (c) => {
    const q = parseWith(JobListQuery, queryObject(c), "query");
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
    return c.json(
      page(rows as unknown as { created_at: unknown; id: unknown }[], q.limit, (r) =>
        jobToWire(r as Record<string, unknown>),
      ),
    );
  });

  app.get("/jobs/:id", async (c) => c.json(jobToWire(await findJob(deps, c))));

  app.post("/jobs/:id/cancel", async (c) => {
    const id = parseWith(JobId, c.req.param("id"), "job id");
    const row = await asCaller(
      deps,
      c,
      async (tx) => (await tx`select to_jsonb(j) as job from public.cancel_job(${id}) j`)[0],
    );
    return c.json(jobToWire(row!.job as Record<string, unknown>));
  });

  app.post("/jobs/:id/restart", async (c) => {
    const id = parseWith(JobId, c.req.param("id"), "job id");
    const row = await asCaller(
      deps,
      c,
      async (tx) => (await tx`select to_jsonb(j) as job from public.restart_job(${id}) j`)[0],
    );
    deps.kickScaler?.();
    return c.json(jobToWire(row!.job as Record<string, unknown>));
  });

  return app;
}

export async function findJob(deps: ApiDeps, c: ApiContext): Promise<Record<string, unknown>> {
  const id = parseWith(JobId, c.req.param("id"), "job id");
  const rows = await asCaller(deps, c, async (tx) => {
    await callerOrg(tx);
    return tx.unsafe(`select ${JOB_COLUMNS} from public.jobs where id = $1`, [id]);
  });
  if (!rows[0]) throw notFound("job");
  return rows[0] as Record<string, unknown>;
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
