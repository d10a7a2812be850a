import { Hono } from "hono";
import { JobId } from "../../_shared/contract/common.ts";
import { JobListQuery, JobSubmission } from "../../_shared/contract/jobs.ts";
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
    s.allowed_hardware = canonicalHardwareList(deps, s.allowed_hardware);
    const row = await asCaller(deps, c, async (tx) => {
      // idle_capacity: an active worker of this organization that runs nothing and fits the job —
      // its claim long-poll takes the job at once, so the scaler need not be woken.
      const [r] = await tx`select to_jsonb(s.job) as job, s.created, s.reset, exists (
          select from public.workers w
          where w.organization_id = (s.job).organization_id and w.image = (s.job).image and w.status = 'active'
            and not w.shutdown_requested
            and (case when (s.job).allowed_hardware is not null then w.hardware_type = any ((s.job).allowed_hardware)
                      else (s.job).requires_vram_gb <= w.vram_gb end)
            and not exists (select from public.runs r where r.worker_id = w.id and r.status = 'in_progress')
        ) as idle_capacity
        from public.submit_job(
        p_type => ${s.type}, p_image => ${s.image}, p_entrypoint => ${s.entrypoint}::text[], p_params => ${tx.json(s.params as never)},
        p_mounts => ${tx.json(s.mounts)}, p_requires_vram_gb => ${s.requires_vram_gb}, p_allowed_hardware => ${s.allowed_hardware}::text[],
        p_priority => ${s.priority}, p_timeout_seconds => ${s.timeout_seconds}, p_max_attempts => ${s.max_attempts},
        p_secrets => ${s.secrets}::text[], p_model => ${s.model}, p_id_suffix => ${s.id_suffix}, p_force => ${s.force}) s`;
      return r as { job: Record<string, unknown>; created: boolean; reset: boolean; idle_capacity: boolean };
    });
    if ((row.created || row.reset) && !row.idle_capacity) deps.kickScaler?.();
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

/** Users write "1x a100" or "A100"; workers report canonical strings, so store those. */
function canonicalHardwareList(deps: ApiDeps, list: string[] | null): string[] | null {
  if (!list) return null;
  const canonical = list.map((h) => deps.hardware.canonical(h));
  const unknown = list.flatMap((h, i) =>
    canonical[i]
      ? []
      : [{ path: `allowed_hardware.${i}`, message: `unknown hardware "${h}" (see GET /hardware)` }],
  );
  if (unknown.length > 0)
    throw new ApiError(400, "invalid_request", unknown.map((d) => d.message).join("; "), unknown);
  return [...new Set(canonical as string[])];
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
