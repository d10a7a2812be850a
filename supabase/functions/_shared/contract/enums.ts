/**
 * Glossary — the words used everywhere in this project.
 *
 * - job:    what was asked for. Content-addressed id `{type}-{sha256(...)[:12]}`: the same request in
 *           the same organization is the same job.
 * - run:    one attempt at a job on one worker. A job has many runs. A run holds a lease that the
 *           worker renews by heartbeat; an expired lease means the worker is gone.
 * - event:  a structured JSON record a run emits (metrics, checkpoints, file references, errors).
 * - log:    the run's stdout/stderr lines, stored as ordered chunks with a per-run sequence number.
 * - file:   content-addressed blob `{purpose}:file-{sha256(content + org)[:12]}`.
 * - worker: a process that claims and runs jobs; usually one per GPU pod.
 * - provider: where workers come from (`runpod`, `local`).
 */
import { z } from "zod";

/** pending → in_progress → completed | failed | canceled (failed/canceled may go back to pending). */
export const JobStatus = z.enum(["pending", "in_progress", "completed", "failed", "canceled"]);
export type JobStatus = z.infer<typeof JobStatus>;
export const TERMINAL_JOB_STATUSES = [
  "completed",
  "failed",
  "canceled",
] as const satisfies readonly JobStatus[];

/** A run is in_progress while its lease is held, then ends in exactly one terminal state. */
export const RunStatus = z.enum(["in_progress", "completed", "failed", "canceled", "lost"]);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * Why a run ended badly. Each kind maps to a job status and a retry decision in
 * `failurePolicy` (failure-policy.ts) — and in SQL `internal.failure_decision`, which owns it.
 */
export const FailureKind = z.enum([
  "user_error", // the job's own code exited non-zero
  "timeout", // the job ran past its timeout
  "canceled", // a user canceled it
  "lost", // lease expired: the worker vanished
  "preempted", // the worker was told to stop (shutdown, spot reclaim) before finishing
  "no_capacity", // the job could not be placed on any hardware
  "oom", // out of (GPU) memory
  "system_error", // the platform failed (download, upload, executor)
]);
export type FailureKind = z.infer<typeof FailureKind>;

export const WorkerStatus = z.enum(["starting", "active", "shutdown", "terminated", "lost"]);
export type WorkerStatus = z.infer<typeof WorkerStatus>;

export const TokenRole = z.enum(["admin", "member", "worker"]);
export type TokenRole = z.infer<typeof TokenRole>;

export const MemberRole = z.enum(["admin", "member"]);
export type MemberRole = z.infer<typeof MemberRole>;

export const ProviderName = z.enum(["runpod", "local"]);
export type ProviderName = z.infer<typeof ProviderName>;

/** Purposes with content rules are validated on upload; the others are opaque blobs. */
export const FilePurpose = z.enum([
  "conversations",
  "preference",
  "custom_job_file",
  "result",
  "log",
  "logprobs",
  "samples",
  "checkpoint",
  "batch", // OpenAI Batch API input: JSONL of /v1/chat/completions requests
  "batch_output", // OpenAI batch output/error files assembled from an inference job's results
]);
export type FilePurpose = z.infer<typeof FilePurpose>;
