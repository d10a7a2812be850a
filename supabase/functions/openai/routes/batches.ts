import { JobSubmission } from "../../_shared/contract/jobs.ts";
import type { BatchCreate } from "../../_shared/contract/openai/batches.ts";
import { OpenAIRoutes } from "../../_shared/contract/routes/openai.ts";
import { callerOrg } from "../../_shared/db/caller-org.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { needsScaler, submitJob } from "../../_shared/db/submit-job.ts";
import { fileStaged, stageStream } from "../../_shared/files/file-ingest.ts";
import { objectKey } from "../../_shared/files/file-store.ts";
import { canonicalHardwareList } from "../../_shared/hardware/hardware-list.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { MAX_BATCH_INPUT_BYTES, readBatchInput } from "../batches/input.ts";
import { finalizeBatch } from "../batches/output.ts";
import { inferenceSubmission } from "../batches/submission.ts";
import { BATCH_COLUMNS, batchToOpenAI } from "../batches/wire.ts";
import { builtinScriptMounts } from "../builtin-mounts.ts";
import { asCaller, type OpenAIContext, type OpenAIDeps, route } from "../context.ts";
import { idempotent } from "../idempotency.ts";
import { listPage } from "../pagination.ts";
import { findFile } from "./files.ts";

async function findBatch(tx: Tx, org: string, id: string) {
  const [row] = await tx.unsafe(
    `select ${BATCH_COLUMNS} from openai.batches b join public.jobs j on j.id = b.id
     where b.organization_id = $1 and b.id = $2`,
    [org, id],
  );
  if (!row)
    throw new ApiError(404, "not_found", `no batch with id ${id}`, [
      { path: "batch_id", message: "not found" },
    ]);
  return row as Record<string, unknown>;
}

/** A completed batch is finalized (output files written) the first time it is read. */
async function readable(deps: OpenAIDeps, tx: Tx, row: Record<string, unknown>) {
  return row.status === "completed" && row.request_completed === null ? finalizeBatch(deps, tx, row) : row;
}

async function inputText(deps: OpenAIDeps, org: string, file: Record<string, unknown>): Promise<string> {
  if (file.purpose !== "batch")
    throw new ApiError(
      400,
      "invalid_request",
      `input_file_id: ${file.id} was not uploaded with purpose "batch"`,
      [{ path: "input_file_id", message: "not a batch file" }],
    );
  if (Number(file.bytes) > MAX_BATCH_INPUT_BYTES)
    throw new ApiError(
      400,
      "invalid_request",
      `input_file_id: a batch input file is at most ${MAX_BATCH_INPUT_BYTES} bytes`,
      [{ path: "input_file_id", message: "too large" }],
    );
  const stream = await deps.store.get(objectKey(org, String(file.id)));
  if (!stream) throw notFound("file content");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await new Response(stream).arrayBuffer());
  } catch {
    throw new ApiError(400, "invalid_request", "input_file_id: the file is not valid UTF-8", [
      { path: "input_file_id", message: "not UTF-8" },
    ]);
  }
}

async function createBatch(deps: OpenAIDeps, c: OpenAIContext, body: BatchCreate) {
  const allowed = canonicalHardwareList(
    deps.hardware,
    body.openweights?.allowed_hardware ?? null,
    "openweights.allowed_hardware",
  );
  const org = await asCaller(deps, c, async (tx) => {
    const id = await callerOrg(tx);
    await tx`select internal.require_member(${id})`;
    return id;
  });
  const file = await asCaller(deps, c, (tx) => findFile(tx, org, body.input_file_id, "input_file_id"));
  const input = readBatchInput(await inputText(deps, org, file));
  // Checked before anything is stored: a refused batch writes nothing.
  inferenceSubmission(body, input, "conversations:file-000000000000", {}, deps.config.images.inference);
  const staged = await stageStream(deps.store, {
    org,
    purpose: "conversations",
    filename: "batch-requests.jsonl",
    body: new Blob([input.conversations]).stream(),
    maxBytes: deps.config.maxUploadBytes,
  });
  const outcome = await asCaller(deps, c, async (tx) => {
    const conversations = await fileStaged(tx, deps.store, staged);
    const scripts = await builtinScriptMounts(deps, tx, org);
    const submission = inferenceSubmission(
      body,
      input,
      String(conversations.file.id),
      scripts,
      deps.config.images.inference,
    );
    const result = await submitJob(tx, JobSubmission.parse({ ...submission, allowed_hardware: allowed }));
    const jobId = String(result.job.id);
    await tx`insert into openai.batches (organization_id, id, input_file_id, endpoint, completion_window, metadata, model, request_total)
      values (${org}, ${jobId}, ${body.input_file_id}, ${body.endpoint}, ${body.completion_window},
        ${body.metadata ? tx.json(body.metadata) : null}, ${input.model}, ${input.customIds.length})
      on conflict (organization_id, id) do nothing`;
    return { result, batch: await findBatch(tx, org, jobId) };
  });
  if (needsScaler(outcome.result)) deps.kickScaler?.();
  return batchToOpenAI(outcome.batch);
}

function retrieveBatch(deps: OpenAIDeps, c: OpenAIContext, id: string) {
  return asCaller(deps, c, async (tx) => {
    const org = await callerOrg(tx);
    return batchToOpenAI(await readable(deps, tx, await findBatch(tx, org, id)));
  });
}

export function batchRoutes(deps: OpenAIDeps) {
  return [
    route(OpenAIRoutes.batchesCreate, ({ c, body }) =>
      idempotent(
        deps,
        c,
        "POST /batches",
        body,
        () => createBatch(deps, c, body),
        (id) => retrieveBatch(deps, c, id),
      ),
    ),
    route(OpenAIRoutes.batchesList, async ({ c, query }) => {
      return asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        const toPage = await listPage(tx, {
          table: "openai.batches",
          as: "b",
          join: "join public.jobs j on j.id = b.id",
          columns: BATCH_COLUMNS,
          org,
          after: query.after,
          limit: query.limit,
        });
        const page = toPage((row) => row);
        const data = [];
        for (const r of page.data) data.push(batchToOpenAI(await readable(deps, tx, r)));
        return { ...page, data };
      });
    }),
    route(OpenAIRoutes.batchesRetrieve, ({ c, params }) => retrieveBatch(deps, c, params.batch_id)),
    route(OpenAIRoutes.batchesCancel, async ({ c, params }) => {
      return asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await findBatch(tx, org, params.batch_id);
        await tx`select public.cancel_job(${params.batch_id})`;
        return batchToOpenAI(await findBatch(tx, org, params.batch_id));
      });
    }),
  ];
}
