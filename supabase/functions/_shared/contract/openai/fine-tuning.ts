/**
 * Fine-tuning jobs on OpenAI's wire (openai-node 6.30.1 `src/resources/fine-tuning/jobs/*.ts`).
 * A fine-tuning job is our `fine-tuning` job; OpenAI's fields map onto its params (see
 * docs/openai-compatibility.md) and everything OpenAI has no field for goes under `openweights`.
 */
import { z } from "zod";
import { JobStatus } from "../enums.ts";
import { listQuery, Metadata, OpenAIList, UnixSeconds } from "./common.ts";

/** OpenAI's job statuses (the SDK's enum). `validating_files` never occurs: uploads are validated. */
export const FineTuningStatus = z.enum([
  "validating_files",
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
]);
export type FineTuningStatus = z.infer<typeof FineTuningStatus>;

/** Ours → OpenAI's. Exhaustive over JobStatus. */
export const FINE_TUNING_STATUS = {
  pending: "queued",
  in_progress: "running",
  completed: "succeeded",
  failed: "failed",
  canceled: "cancelled",
} as const satisfies Record<JobStatus, FineTuningStatus>;

/** OpenAI's → ours (for the `status` list filter); `validating_files` is a pending job. */
export function jobStatusOf(status: FineTuningStatus): JobStatus {
  if (status === "validating_files") return "pending";
  const found = JobStatus.options.find((s) => FINE_TUNING_STATUS[s] === status);
  if (!found) throw new Error(`no job status maps to ${status}`);
  return found;
}

const Auto = z.literal("auto");
const autoOr = <T extends z.ZodType>(t: T) => z.union([Auto, t]).optional();

export const SupervisedHyperparameters = z.strictObject({
  batch_size: autoOr(z.number().int().min(1).max(256)),
  learning_rate_multiplier: autoOr(z.number().positive().max(1000)),
  n_epochs: autoOr(z.number().int().min(1).max(50)),
});
export const DpoHyperparameters = z.strictObject({
  ...SupervisedHyperparameters.shape,
  beta: autoOr(z.number().positive().max(2)),
});

export const FineTuningMethod = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("supervised"),
    supervised: z.strictObject({ hyperparameters: SupervisedHyperparameters.optional() }).optional(),
  }),
  z.strictObject({
    type: z.literal("dpo"),
    dpo: z.strictObject({ hyperparameters: DpoHyperparameters.optional() }).optional(),
  }),
]);
export type FineTuningMethod = z.infer<typeof FineTuningMethod>;

/**
 * Our extension: fine-tuning params OpenAI has no field for (LoRA `r`, `max_seq_length`, the
 * learning-rate base, `hf_org` for the Hub repo, …) and scheduling hints. Checked against the
 * built-in job's own schema (_shared/jobs/training-params.ts), so the rules live in one place.
 */
export const OpenWeightsExtension = z.strictObject({
  params: z.record(z.string(), z.unknown()).optional(),
  /** Hugging Face org or user the model is pushed to; without it the model stays in the job's results. */
  hf_org: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/, "must be a Hugging Face org or user name")
    .optional(),
  /** The learning rate `learning_rate_multiplier` multiplies (default 1e-4). */
  base_learning_rate: z.number().positive().max(1).optional(),
  requires_vram_gb: z.number().int().min(0).max(1536).optional(),
  allowed_hardware: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
  priority: z.number().int().min(-100).max(100).optional(),
});
export type OpenWeightsExtension = z.infer<typeof OpenWeightsExtension>;

export const FineTuningJobCreate = z.strictObject({
  model: z.string().min(1).max(300),
  training_file: z.string().min(1).max(200),
  validation_file: z.string().min(1).max(200).nullable().optional(),
  suffix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,60}$/, "must be 1-60 of A-Z a-z 0-9 _ . - (it becomes part of the job id)")
    .nullable()
    .optional(),
  seed: z.number().int().min(0).max(2_147_483_647).nullable().optional(),
  metadata: Metadata.nullable().optional(),
  /** Legacy top-level hyperparameters (supervised), as the client still accepts them. */
  hyperparameters: SupervisedHyperparameters.optional(),
  method: FineTuningMethod.optional(),
  integrations: z.array(z.unknown()).max(0, "integrations are not supported").nullable().optional(),
  openweights: OpenWeightsExtension.optional(),
});
export type FineTuningJobCreate = z.infer<typeof FineTuningJobCreate>;

const ResolvedHyperparameters = z.object({
  batch_size: z.number(),
  learning_rate_multiplier: z.number(),
  n_epochs: z.number(),
  beta: z.number().optional(),
});

export const FineTuningJob = z.object({
  id: z.string(),
  object: z.literal("fine_tuning.job"),
  created_at: UnixSeconds,
  finished_at: UnixSeconds.nullable(),
  model: z.string(),
  fine_tuned_model: z.string().nullable(),
  organization_id: z.string(),
  status: FineTuningStatus,
  error: z.object({ code: z.string(), message: z.string(), param: z.string().nullable() }).nullable(),
  hyperparameters: ResolvedHyperparameters,
  method: z.object({
    type: z.enum(["supervised", "dpo"]),
    supervised: z.object({ hyperparameters: ResolvedHyperparameters }).optional(),
    dpo: z.object({ hyperparameters: ResolvedHyperparameters }).optional(),
  }),
  training_file: z.string(),
  validation_file: z.string().nullable(),
  result_files: z.array(z.string()),
  trained_tokens: z.number().nullable(),
  seed: z.number(),
  estimated_finish: UnixSeconds.nullable(),
  integrations: z.array(z.unknown()).nullable(),
  metadata: Metadata.nullable(),
  user_provided_suffix: z.string().nullable(),
  /** Ours: the native job behind it (same id) and why a queued job still waits. */
  openweights: z.object({ job_type: z.string(), waiting_reason: z.string().nullable() }),
});
export type FineTuningJob = z.infer<typeof FineTuningJob>;
export const FineTuningJobList = OpenAIList(FineTuningJob);

/** `metadata[k]=v` filters arrive as bracketed query keys and are collected before parsing. */
export const FineTuningJobListQuery = z.strictObject({
  ...listQuery(),
  metadata: Metadata.optional(),
  /** Ours: one OpenAI status. */
  status: FineTuningStatus.optional(),
});

export const MetricsData = z.object({
  step: z.number(),
  total_steps: z.number().nullable(),
  train_loss: z.number().nullable(),
  train_mean_token_accuracy: z.number().nullable(),
  valid_loss: z.number().nullable(),
  valid_mean_token_accuracy: z.number().nullable(),
  full_valid_loss: z.number().nullable(),
  full_valid_mean_token_accuracy: z.number().nullable(),
});
export type MetricsData = z.infer<typeof MetricsData>;

export const FineTuningJobEvent = z.object({
  id: z.string(),
  object: z.literal("fine_tuning.job.event"),
  created_at: UnixSeconds,
  level: z.enum(["info", "warn", "error"]),
  message: z.string(),
  type: z.enum(["message", "metrics"]),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type FineTuningJobEvent = z.infer<typeof FineTuningJobEvent>;
export const FineTuningJobEventList = OpenAIList(FineTuningJobEvent);
export const EventListQuery = z.strictObject(listQuery());

export const FineTuningJobCheckpoint = z.object({
  id: z.string(),
  object: z.literal("fine_tuning.job.checkpoint"),
  created_at: UnixSeconds,
  fine_tuned_model_checkpoint: z.string(),
  fine_tuning_job_id: z.string(),
  step_number: z.number().int(),
  metrics: MetricsData.partial(),
});
export type FineTuningJobCheckpoint = z.infer<typeof FineTuningJobCheckpoint>;
export const FineTuningJobCheckpointList = OpenAIList(FineTuningJobCheckpoint);
export const CheckpointListQuery = z.strictObject(listQuery(10));
