/**
 * `openweights` — runtime-neutral entry (Node ≥ 20, Deno, browsers). Local paths, directory
 * mounts and the CLI live in `openweights/node`; the job-side helper in `openweights/job`.
 */

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
export type { Event, EventListParams } from "./resources/events.ts";
export type { FileCreateParams, FileListParams, FileObject } from "./resources/files.ts";
export type { HardwareOption } from "./resources/hardware.ts";
export {
  isTerminalStatus,
  type Job,
  type JobListParams,
  type JobSubmission,
  type SubmitResult,
  type WaitOptions,
  type WaitProgress,
} from "./resources/jobs.ts";
export type { FollowOptions, LogLine, LogPage, LogReadParams } from "./resources/logs.ts";
export type { Me, Member } from "./resources/organization.ts";
export type { Run } from "./resources/runs.ts";
export type { Secret } from "./resources/secrets.ts";
export type { ApiToken, CreatedToken, TokenCreateParams } from "./resources/tokens.ts";
export type { Worker } from "./resources/workers.ts";
export * from "./validation/datasets.ts";
export { VERSION } from "./version.ts";
