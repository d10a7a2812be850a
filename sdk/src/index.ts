/**
 * `openweights` — runtime-neutral entry (Node ≥ 20, Deno, browsers). Local paths, directory
 * mounts and the CLI live in `openweights/node`; the job-side helper in `openweights/job`.
 */

export { type ApiParams, apiParams, apiVramGuess } from "../../supabase/functions/_shared/jobs/api-params.ts";
export { parseLearningRate } from "../../supabase/functions/_shared/jobs/param-rules.ts";
export {
  DEFAULT_FINETUNED_MODEL_ID,
  type FineTuningParams,
  fineTuningParams,
  type WeightedSftParams,
  weightedSftParams,
} from "../../supabase/functions/_shared/jobs/training-params.ts";
export * as vram from "../../supabase/functions/_shared/jobs/vram.ts";
export { type ClientOptions, DEFAULT_BASE_URL, OpenWeights, OpenWeights as default } from "./client.ts";
export type { Clock } from "./core/clock.ts";
export * from "./core/errors.ts";
export type { FetchLike } from "./core/http.ts";
export { CursorPage, PagePromise } from "./core/pagination.ts";
export type { MountFile, Platform } from "./core/platform.ts";
export { backoffDelayMs, isRetryableStatus, parseRetryAfterMs } from "./core/retry.ts";
export { createSha256, type Sha256, sha256Hex } from "./core/sha256.ts";
export { type Progress, toUploadSource, type Uploadable, type UploadSource } from "./core/uploadable.ts";
export type { MountSource } from "./custom-jobs/mounts.ts";
export type { JobCreateOptions, JobDefinition, JobFamily, TypedJob } from "./custom-jobs/register.ts";
export { type Api, DEFAULT_API_TIMEOUT_SECONDS, DEPLOY_DEFAULTS, type DeployParams } from "./jobs/api.ts";
export { Chat, type ChatCompletionBody, ChatCompletions } from "./jobs/chat.ts";
export {
  type BuiltInImages,
  type BuiltInJobsOptions,
  DEFAULT_IMAGES,
  type JobScriptsLoader,
} from "./jobs/context.ts";
export { ApiDeployment, DeploymentFailedError, runpodProxyUrl, type UpOptions } from "./jobs/deployment.ts";
export {
  type InspectAi,
  type InspectAiParams,
  inspectAiParams,
  type MmluPro,
  type MmluProParams,
  mmluProParams,
} from "./jobs/evals.ts";
export { type BuiltInCreateOptions, BuiltInFamily, type InlineJobOptions } from "./jobs/family.ts";
export { type Inference, type InferenceParams, inferenceParams } from "./jobs/inference.ts";
export { type Logprob, type LogprobParams, logprobParams } from "./jobs/logprob.ts";
export { canonicalJson, formatTemplate } from "./jobs/model-naming.ts";
export { loadOpenAI, type OpenAIClientLike } from "./jobs/openai-client.ts";
export type { FineTuning, WeightedSft } from "./jobs/training.ts";
export type { Event, EventListParams, MetricSeries, MetricSeriesParams } from "./resources/events.ts";
export type { FileCreateParams, FileListParams, FileObject } from "./resources/files.ts";
export type { HardwareOption } from "./resources/hardware.ts";
export {
  type DownloadProgress,
  isTerminalStatus,
  type Job,
  type JobDownload,
  type JobListParams,
  type JobSubmission,
  type SubmitResult,
  type WaitOptions,
  type WaitProgress,
} from "./resources/jobs.ts";
export type {
  FollowOptions,
  JobLogItem,
  JobLogStreamOptions,
  LogLine,
  LogPage,
  LogReadParams,
} from "./resources/logs.ts";
export type { Me, Member } from "./resources/organization.ts";
export type {
  CreatedOrganization,
  LimitsUpdate,
  OrganizationLimits,
  OrganizationMembership,
  OrganizationUsage,
} from "./resources/organizations.ts";
export type { Run } from "./resources/runs.ts";
export type { Secret } from "./resources/secrets.ts";
export type { ApiToken, CreatedToken, TokenCreateParams } from "./resources/tokens.ts";
export type { Worker } from "./resources/workers.ts";
export * from "./validation/datasets.ts";
export { VERSION } from "./version.ts";
