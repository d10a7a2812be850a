/**
 * OpenAI's published wire conventions that every resource shares: `list` envelopes with an
 * `after` cursor (the id of the last item seen), the error envelope, unix-second timestamps and
 * `metadata` maps. Source: openai/openai-node 6.30.1 `src/core/pagination.ts` (CursorPage: the next
 * page is the same request plus `after=<last id>`, and iteration stops at `has_more: false`) and
 * `src/core/error.ts` (the client reads `body.error` and picks the error class by status).
 */
import { z } from "zod";

/** Seconds since the epoch, as OpenAI sends every timestamp. */
export const UnixSeconds = z.number().int().nonnegative();

/** A list page: `data` plus `has_more`; `first_id`/`last_id` as the Files API adds them. */
export function OpenAIList<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal("list"),
    data: z.array(item),
    has_more: z.boolean(),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
  });
}

/** Up to 16 string pairs, keys ≤ 64 chars, values ≤ 512 (OpenAI's documented limits). */
export const Metadata = z
  .record(z.string().min(1).max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: "at most 16 keys" });
export type Metadata = z.infer<typeof Metadata>;

/** `after` is an id from a previous page; `limit` is bounded like OpenAI's (1–100, default 20). */
export function listQuery(defaultLimit = 20, maxLimit = 100) {
  return {
    after: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  };
}

/** `{"error": {message, type, param, code}}`: the client raises BadRequestError & co. from it. */
export const OpenAIErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAIErrorBody = z.infer<typeof OpenAIErrorBody>;

/** The `type` OpenAI puts in its error envelope for each status family. */
export function openAIErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 409) return "conflict_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
