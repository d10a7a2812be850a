/**
 * The worker protocol (`/functions/v1/worker-api`). Every call carries a worker-role token bound to
 * one worker id. Writes about a run are fenced by (run, worker, in_progress): when the database
 * says the lease is gone the api answers 409 `lease_lost` and the worker must stop the job.
 */
import { z } from "zod";
import { FileId, JobId, openEnum, Timestamp, Uuid } from "./common.ts";
import { FailureKind, JobStatus, ProviderName } from "./enums.ts";
import { CreateUploadRequest } from "./files.ts";
import { JsonObject, MountPath } from "./jobs.ts";

export const RegisterWorkerRequest = z.strictObject({
  image: z.string().min(1).max(255),
  provider: ProviderName.default("local"),
  pod_id: z.string().max(200).nullable().default(null),
  hardware_type: z.string().max(64).nullable().default(null),
  gpu_type: z.string().max(100).nullable().default(null),
  gpu_count: z.number().int().min(0).max(64).default(0),
  vram_gb: z.number().int().min(0).max(8192).default(0),
  cached_models: z.array(z.string().max(300)).max(200).default([]),
  version: z.string().max(50).optional(),
});
export type RegisterWorkerRequest = z.input<typeof RegisterWorkerRequest>;

export const WorkerTimings = z.object({
  heartbeat_interval_ms: z.number(),
  lease_ms: z.number(),
  claim_wait_ms: z.number(),
});
export type WorkerTimings = z.infer<typeof WorkerTimings>;

export const RegisterWorkerResponse = z.object({
  worker_id: z.string(),
  organization_id: Uuid,
  timings: WorkerTimings,
  /** Runs this worker id held before a restart; they were requeued. */
  requeued_run_ids: z.array(Uuid),
});
export type RegisterWorkerResponse = z.infer<typeof RegisterWorkerResponse>;

export const HeartbeatRequest = z.strictObject({
  run_ids: z.array(Uuid).max(64).default([]),
  cached_models: z.array(z.string().max(300)).max(200).optional(),
});
export const RunDirective = z.object({ run_id: Uuid, action: z.enum(["continue", "cancel", "stop"]) });
export const HeartbeatResponse = z.object({
  runs: z.array(RunDirective),
  /** The scaler or a user asked this worker to shut down. */
  shutdown: z.boolean(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const ClaimRequest = z.strictObject({
  /** Long-poll: wait up to this long for a matching job. */
  wait_ms: z.number().int().min(0).max(25_000).default(0),
});

export const ClaimedMount = z.object({
  path: z.string(),
  file_id: FileId,
  bytes: z.number(),
  sha256: z.string(),
  url: z.string(),
});
export const ClaimedJob = z.object({
  run_id: Uuid,
  attempt: z.number(),
  lease_expires_at: Timestamp,
  job: z.object({
    id: JobId,
    type: z.string(),
    image: z.string(),
    entrypoint: z.array(z.string()),
    params: JsonObject,
    timeout_seconds: z.number(),
    requires_vram_gb: z.number(),
    model: z.string().nullable(),
  }),
  mounts: z.array(ClaimedMount),
  /** Exactly the secrets the job declared. */
  secrets: z.record(z.string(), z.string()),
  /** A short-lived token the job may use to call the api as its organization (member role). */
  run_token: z.string(),
  /** Base URL (…/functions/v1) for the job's api calls. */
  api_url: z.string().optional(),
});
export type ClaimedJob = z.infer<typeof ClaimedJob>;
export const ClaimResponse = z.object({ claim: ClaimedJob.nullable() });

export const LogBatch = z
  .strictObject({
    seq: z.number().int().min(0).max(2_147_483_647),
    streams: z.string().regex(/^[oe]*$/, "must be a string of 'o' (stdout) and 'e' (stderr)"),
    lines: z.array(z.string().max(65_536)).min(1).max(10_000),
  })
  .refine((b) => b.streams.length === b.lines.length, {
    message: "streams must have one char per line",
    path: ["streams"],
  });
export type LogBatch = z.infer<typeof LogBatch>;
export const LogBatchResponse = z.object({ accepted: z.boolean() });

export const EventBatch = z.strictObject({
  events: z
    .array(z.strictObject({ seq: z.number().int().min(0).max(2_147_483_647), data: JsonObject }))
    .min(1)
    .max(500),
});
export type EventBatch = z.infer<typeof EventBatch>;
export const EventBatchResponse = z.object({ accepted: z.number() });

export const CompleteRunRequest = z.strictObject({
  exit_code: z.number().int().min(-255).max(255).default(0),
});
export const FailRunRequest = z.strictObject({
  failure_kind: FailureKind,
  message: z.string().max(10_000).default(""),
  exit_code: z.number().int().min(-255).max(255).nullable().default(null),
});
export const RunOutcome = z.object({ job_status: openEnum(JobStatus), will_retry: z.boolean() });
export type RunOutcome = z.infer<typeof RunOutcome>;

export const ResultUploadQuery = z.strictObject({ path: z.string().min(1).max(500) });
export const ResultUploadResponse = z.object({ file_id: FileId, event_seq: z.number().nullable() });

/**
 * A result file the worker is about to upload straight to storage: its path under uploads/, size
 * and hashes (`org_sha256` = sha256(content ‖ organization id), the file id's hash, as for
 * `POST /files/uploads`).
 */
export const ResultUploadRequest = z.strictObject({
  path: MountPath,
  bytes: CreateUploadRequest.shape.bytes,
  sha256: CreateUploadRequest.shape.sha256,
  org_sha256: CreateUploadRequest.shape.org_sha256,
});
export type ResultUploadRequest = z.infer<typeof ResultUploadRequest>;

export const ResultUploadTicket = z.object({
  file_id: FileId,
  /** PUT the bytes here (no credentials: the URL is signed). null: the organization already has this file. */
  upload_url: z.string().nullable(),
  /** Hand to `…/results/finalize` once the bytes are uploaded (or at once when upload_url is null). */
  upload_id: z.string(),
  expires_at: Timestamp,
});
export type ResultUploadTicket = z.infer<typeof ResultUploadTicket>;

export const ResultFinalizeRequest = z.strictObject({ upload_id: z.string().min(1).max(4096) });

export const StopWorkerRequest = z.strictObject({ reason: z.string().max(500).default("") });

/**
 * Lines about the worker outside any run. JSON form `{source, lines}`; the pod's boot script
 * posts `text/plain` instead (one line per body line, source `boot`), since it has no JSON tools.
 */
export const WorkerLogBatch = z.strictObject({
  source: z.enum(["boot", "worker"]),
  lines: z.array(z.string().max(2000)).min(1).max(500),
});
export type WorkerLogBatch = z.infer<typeof WorkerLogBatch>;
export const WorkerLogBatchResponse = z.object({ accepted: z.number() });
