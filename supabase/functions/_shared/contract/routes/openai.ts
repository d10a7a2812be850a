// Every route of the openai function (`/functions/v1/openai/v1`), declared once like the api's:
// the function binds its handlers to these (openai/routes/*), mountRoutes attaches auth and
// parses input with OpenAI's error shape, and docs/openai-compatibility.md is held to this list.
import { z } from "zod";
import { type AnyContract, defineRoute } from "../../http/define-route.ts";
import { FileId, JobId } from "../common.ts";
import { Batch, BatchCreate, BatchList, BatchListQuery } from "../openai/batches.ts";
import { ChatCompletion, ChatCompletionRequest } from "../openai/chat.ts";
import { OpenAIFileDeleted, OpenAIFileList, OpenAIFileListQuery, OpenAIFileObject } from "../openai/files.ts";
import {
  CheckpointListQuery,
  EventListQuery,
  FineTuningJob,
  FineTuningJobCheckpointList,
  FineTuningJobCreate,
  FineTuningJobEventList,
  FineTuningJobList,
  FineTuningJobListQuery,
} from "../openai/fine-tuning.ts";
import { OpenAIModel, OpenAIModelList } from "../openai/models.ts";

const FilePath = z.strictObject({ file_id: FileId });
const JobPath = z.strictObject({ fine_tuning_job_id: JobId });
const BatchPath = z.strictObject({ batch_id: JobId });
const ModelPath = z.strictObject({ model: z.string().min(1).max(300) });

export const OpenAIRoutes = {
  health: defineRoute({
    name: "openai.health",
    method: "get",
    path: "/health",
    summary: "Liveness: answers without touching the database (not an OpenAI route)",
    who: "public",
    response: z.object({ ok: z.literal(true) }),
  }),
  filesCreate: defineRoute({
    name: "openai.files.create",
    method: "post",
    path: "/files",
    summary: "Upload a file (multipart `file` + `purpose` fine-tune | batch)",
    who: "member",
    body: { raw: ["multipart/form-data"] },
    response: OpenAIFileObject,
  }),
  filesList: defineRoute({
    name: "openai.files.list",
    method: "get",
    path: "/files",
    summary: "List files (purpose, order, after, limit)",
    who: "member",
    query: OpenAIFileListQuery,
    response: OpenAIFileList,
  }),
  filesRetrieve: defineRoute({
    name: "openai.files.retrieve",
    method: "get",
    path: "/files/:file_id",
    summary: "Retrieve a file",
    who: "member",
    params: FilePath,
    response: OpenAIFileObject,
  }),
  filesContent: defineRoute({
    name: "openai.files.content",
    method: "get",
    path: "/files/:file_id/content",
    summary: "The file's bytes",
    who: "member",
    params: FilePath,
    response: { raw: "application/octet-stream" },
  }),
  filesDelete: defineRoute({
    name: "openai.files.delete",
    method: "delete",
    path: "/files/:file_id",
    summary: "Delete a file",
    who: "member",
    params: FilePath,
    response: OpenAIFileDeleted,
  }),
  fineTuningCreate: defineRoute({
    name: "openai.fine_tuning.jobs.create",
    method: "post",
    path: "/fine_tuning/jobs",
    summary: "Create a fine-tuning job (our built-in `fine-tuning` job)",
    who: "member",
    body: FineTuningJobCreate,
    maxBodyBytes: 1_000_000,
    response: FineTuningJob,
  }),
  fineTuningList: defineRoute({
    name: "openai.fine_tuning.jobs.list",
    method: "get",
    path: "/fine_tuning/jobs",
    summary: "List fine-tuning jobs, newest first (after, limit, metadata[k]=v, status)",
    who: "member",
    query: FineTuningJobListQuery,
    response: FineTuningJobList,
  }),
  fineTuningRetrieve: defineRoute({
    name: "openai.fine_tuning.jobs.retrieve",
    method: "get",
    path: "/fine_tuning/jobs/:fine_tuning_job_id",
    summary: "Retrieve a fine-tuning job",
    who: "member",
    params: JobPath,
    response: FineTuningJob,
  }),
  fineTuningCancel: defineRoute({
    name: "openai.fine_tuning.jobs.cancel",
    method: "post",
    path: "/fine_tuning/jobs/:fine_tuning_job_id/cancel",
    summary: "Cancel a fine-tuning job (public.cancel_job)",
    who: "member",
    params: JobPath,
    response: FineTuningJob,
  }),
  fineTuningEvents: defineRoute({
    name: "openai.fine_tuning.jobs.list_events",
    method: "get",
    path: "/fine_tuning/jobs/:fine_tuning_job_id/events",
    summary: "List a job's events, newest first (messages and `metrics`)",
    who: "member",
    params: JobPath,
    query: EventListQuery,
    response: FineTuningJobEventList,
  }),
  fineTuningCheckpoints: defineRoute({
    name: "openai.fine_tuning.jobs.checkpoints.list",
    method: "get",
    path: "/fine_tuning/jobs/:fine_tuning_job_id/checkpoints",
    summary: "List a job's checkpoints, newest first",
    who: "member",
    params: JobPath,
    query: CheckpointListQuery,
    response: FineTuningJobCheckpointList,
  }),
  batchesCreate: defineRoute({
    name: "openai.batches.create",
    method: "post",
    path: "/batches",
    summary: "Create a batch of /v1/chat/completions requests (one `inference` job)",
    who: "member",
    body: BatchCreate,
    maxBodyBytes: 100_000,
    response: Batch,
  }),
  batchesList: defineRoute({
    name: "openai.batches.list",
    method: "get",
    path: "/batches",
    summary: "List batches, newest first",
    who: "member",
    query: BatchListQuery,
    response: BatchList,
  }),
  batchesRetrieve: defineRoute({
    name: "openai.batches.retrieve",
    method: "get",
    path: "/batches/:batch_id",
    summary: "Retrieve a batch",
    who: "member",
    params: BatchPath,
    response: Batch,
  }),
  batchesCancel: defineRoute({
    name: "openai.batches.cancel",
    method: "post",
    path: "/batches/:batch_id/cancel",
    summary: "Cancel a batch (public.cancel_job)",
    who: "member",
    params: BatchPath,
    response: Batch,
  }),
  modelsList: defineRoute({
    name: "openai.models.list",
    method: "get",
    path: "/models",
    summary: "List the organization's fine-tuned models and deployed models",
    who: "member",
    response: OpenAIModelList,
  }),
  modelsRetrieve: defineRoute({
    name: "openai.models.retrieve",
    method: "get",
    path: "/models/:model{.+}",
    summary: "Retrieve one of them (ids contain `/`)",
    who: "member",
    params: ModelPath,
    response: OpenAIModel,
  }),
  chatCompletionsCreate: defineRoute({
    name: "openai.chat.completions.create",
    method: "post",
    path: "/chat/completions",
    summary: "Chat with the organization's deployment of `model` (streaming included)",
    who: "member",
    body: ChatCompletionRequest,
    maxBodyBytes: 10_000_000,
    response: ChatCompletion,
  }),
} as const;

export const OPENAI_ROUTES: readonly AnyContract[] = Object.values(OpenAIRoutes);
