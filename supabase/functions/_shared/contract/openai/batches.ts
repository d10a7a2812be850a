/**
 * The Batch API on OpenAI's wire (openai-node 6.30.1 `src/resources/batches.ts`; input and output
 * line formats from OpenAI's Batch guide). A batch of /v1/chat/completions requests runs as one of
 * our `inference` jobs; the batch id is that job's id.
 */
import { z } from "zod";
import { ChatMessage } from "../datasets.ts";
import { listQuery, Metadata, OpenAIList, UnixSeconds } from "./common.ts";

export const BATCH_ENDPOINT = "/v1/chat/completions";

export const BatchStatus = z.enum([
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
]);
export type BatchStatus = z.infer<typeof BatchStatus>;

export const BatchCreate = z.strictObject({
  input_file_id: z.string().min(1).max(200),
  endpoint: z.literal(BATCH_ENDPOINT, { error: `only ${BATCH_ENDPOINT} is supported` }),
  completion_window: z.literal("24h"),
  metadata: Metadata.nullable().optional(),
  /** Accepted and not applied: files do not expire here. */
  output_expires_after: z
    .strictObject({ anchor: z.literal("created_at"), seconds: z.number().int().min(3600).max(2_592_000) })
    .optional(),
  /** Ours: more params of the inference job (`max_model_len`, …) and scheduling hints. */
  openweights: z
    .strictObject({
      params: z.record(z.string(), z.unknown()).optional(),
      requires_vram_gb: z.number().int().min(0).max(1536).optional(),
      allowed_hardware: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
      priority: z.number().int().min(-100).max(100).optional(),
    })
    .optional(),
});
export type BatchCreate = z.infer<typeof BatchCreate>;

/**
 * The chat request of one line. Sampling settings are the inference job's, so they must be the
 * same on every line (checked when the batch is created).
 */
export const BatchChatBody = z.looseObject({
  model: z.string().min(1).max(300),
  messages: z.array(ChatMessage).min(1),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  seed: z.number().int().min(0).optional(),
  n: z.number().int().min(1).max(128).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
});
export type BatchChatBody = z.infer<typeof BatchChatBody>;

export const BatchRequestLine = z.strictObject({
  custom_id: z.string().min(1).max(512),
  method: z.literal("POST"),
  url: z.literal(BATCH_ENDPOINT),
  body: BatchChatBody,
});
export type BatchRequestLine = z.infer<typeof BatchRequestLine>;

export const Batch = z.object({
  id: z.string(),
  object: z.literal("batch"),
  endpoint: z.string(),
  model: z.string(),
  errors: z
    .object({
      object: z.literal("list"),
      data: z.array(
        z.object({
          code: z.string(),
          message: z.string(),
          param: z.string().nullable(),
          line: z.number().nullable(),
        }),
      ),
    })
    .nullable(),
  input_file_id: z.string(),
  completion_window: z.string(),
  status: BatchStatus,
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  created_at: UnixSeconds,
  in_progress_at: UnixSeconds.nullable(),
  expires_at: UnixSeconds.nullable(),
  finalizing_at: UnixSeconds.nullable(),
  completed_at: UnixSeconds.nullable(),
  failed_at: UnixSeconds.nullable(),
  expired_at: UnixSeconds.nullable(),
  cancelling_at: UnixSeconds.nullable(),
  cancelled_at: UnixSeconds.nullable(),
  request_counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }),
  metadata: Metadata.nullable(),
});
export type Batch = z.infer<typeof Batch>;
export const BatchList = OpenAIList(Batch);
export const BatchListQuery = z.strictObject(listQuery());

/** One line of the output (or error) file. */
export const BatchOutputLine = z.object({
  id: z.string(),
  custom_id: z.string(),
  response: z
    .object({ status_code: z.number(), request_id: z.string(), body: z.record(z.string(), z.unknown()) })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type BatchOutputLine = z.infer<typeof BatchOutputLine>;
