import { FileId } from "../../_shared/contract/common.ts";
import { JobSubmission } from "../../_shared/contract/jobs.ts";
import {
  type FineTuningJob,
  type FineTuningJobCreate,
  jobStatusOf,
} from "../../_shared/contract/openai/fine-tuning.ts";
import { OpenAIRoutes } from "../../_shared/contract/routes/openai.ts";
import { callerOrg } from "../../_shared/db/caller-org.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { needsScaler, submitJob } from "../../_shared/db/submit-job.ts";
import { canonicalHardwareList } from "../../_shared/hardware/hardware-list.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { builtinScriptMounts, scriptMountIds } from "../builtin-mounts.ts";
import { asCaller, type OpenAIContext, type OpenAIDeps, route } from "../context.ts";
import { checkpointsOf, eventsOf } from "../fine-tuning/events.ts";
import { fineTuningSubmission } from "../fine-tuning/submission.ts";
import { FINE_TUNING_COLUMNS, fineTuningJobToOpenAI, resultFilesOf } from "../fine-tuning/wire.ts";
import { idempotent } from "../idempotency.ts";
import { listPage, pageOf } from "../pagination.ts";
import { findFile } from "./files.ts";

const FINE_TUNING_TYPE = "fine-tuning";

/** The caller's fine-tuning job, or a 404 naming the id. */
export async function findFineTuningJob(tx: Tx, org: string, id: string) {
  const [row] = await tx.unsafe(
    `select ${FINE_TUNING_COLUMNS} from public.jobs where organization_id = $1 and id = $2 and type = $3`,
    [org, id, FINE_TUNING_TYPE],
  );
  if (!row)
    throw new ApiError(404, "not_found", `no fine-tuning job with id ${id}`, [
      { path: "fine_tuning_job_id", message: "not found" },
    ]);
  return row as Record<string, unknown>;
}

async function withResults(tx: Tx, org: string, row: Record<string, unknown>) {
  const files = await resultFilesOf(tx, org, [String(row.id)]);
  return fineTuningJobToOpenAI(row, files.get(String(row.id)) ?? []);
}

async function createJob(
  deps: OpenAIDeps,
  c: OpenAIContext,
  body: FineTuningJobCreate,
): Promise<FineTuningJob> {
  const ext = body.openweights;
  const allowed = canonicalHardwareList(
    deps.hardware,
    ext?.allowed_hardware ?? null,
    "openweights.allowed_hardware",
  );
  // Fast path (one statement, as the native api's submit): the organization comes from the token,
  // the scripts' ids are computed, and submit_job checks that every mounted file exists. Only when
  // it says one does not (the org's first fine-tune, or a file that is not there) do we look closer.
  for (const param of ["training_file", "validation_file"] as const) {
    const id = body[param];
    if (id && !FileId.safeParse(id).success)
      throw new ApiError(400, "invalid_request", `${param}: no file with id ${id} in this organization`, [
        { path: param, message: "not a file id" },
      ]);
  }
  const org = c.get("principal").organizationId ?? (await asCaller(deps, c, callerOrg));
  const scripts = await scriptMountIds(deps, org);
  const submission = JobSubmission.parse({
    ...fineTuningSubmission(body, org, scripts, deps.config.images.training),
    allowed_hardware: allowed,
  });
  const result = await asCaller(deps, c, (tx) => submitJob(tx, submission)).catch(async (error: unknown) => {
    if ((error as { code?: unknown }).code !== "OWVAL") throw error;
    return asCaller(deps, c, async (tx) => {
      await findFile(tx, org, body.training_file, "training_file");
      if (body.validation_file) await findFile(tx, org, body.validation_file, "validation_file");
      await builtinScriptMounts(deps, tx, org);
      return submitJob(tx, submission);
    });
  });
  if (needsScaler(result)) deps.kickScaler?.();
  if (result.created) return fineTuningJobToOpenAI(result.job, []);
  return asCaller(deps, c, (tx) => withResults(tx, org, result.job));
}

function retrieveJob(deps: OpenAIDeps, c: OpenAIContext, id: string): Promise<FineTuningJob> {
  return asCaller(deps, c, async (tx) => {
    const org = await callerOrg(tx);
    return withResults(tx, org, await findFineTuningJob(tx, org, id));
  });
}

export function fineTuningRoutes(deps: OpenAIDeps) {
  return [
    route(OpenAIRoutes.fineTuningCreate, ({ c, body }) =>
      idempotent(
        deps,
        c,
        "POST /fine_tuning/jobs",
        body,
        () => createJob(deps, c, body),
        (id) => retrieveJob(deps, c, id),
      ),
    ),
    route(OpenAIRoutes.fineTuningList, async ({ c, query }) => {
      return asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        const toPage = await listPage(tx, {
          table: "public.jobs",
          columns: FINE_TUNING_COLUMNS,
          org,
          filter: `type = $4 and ($5::jsonb is null or params @> $5::jsonb)
              and ($6::public.job_status is null or status = $6::public.job_status)`,
          filterValues: [
            FINE_TUNING_TYPE,
            query.metadata ? { meta: query.metadata } : null,
            query.status ? jobStatusOf(query.status) : null,
          ],
          after: query.after,
          limit: query.limit,
        });
        const page = toPage((row) => row);
        const files = await resultFilesOf(
          tx,
          org,
          page.data.map((r) => String(r.id)),
        );
        return {
          ...page,
          data: page.data.map((r) => fineTuningJobToOpenAI(r, files.get(String(r.id)) ?? [])),
        };
      });
    }),
    route(OpenAIRoutes.fineTuningRetrieve, ({ c, params }) =>
      retrieveJob(deps, c, params.fine_tuning_job_id),
    ),
    route(OpenAIRoutes.fineTuningCancel, async ({ c, params }) => {
      return asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await findFineTuningJob(tx, org, params.fine_tuning_job_id);
        await tx`select public.cancel_job(${params.fine_tuning_job_id})`;
        return withResults(tx, org, await findFineTuningJob(tx, org, params.fine_tuning_job_id));
      });
    }),
    route(OpenAIRoutes.fineTuningEvents, async ({ c, params, query }) => {
      const events = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        return eventsOf(tx, org, await findFineTuningJob(tx, org, params.fine_tuning_job_id));
      });
      return pageOf(events, query.after, query.limit);
    }),
    route(OpenAIRoutes.fineTuningCheckpoints, async ({ c, params, query }) => {
      const checkpoints = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        return checkpointsOf(tx, org, await findFineTuningJob(tx, org, params.fine_tuning_job_id));
      });
      return pageOf(checkpoints, query.after, query.limit);
    }),
  ];
}
