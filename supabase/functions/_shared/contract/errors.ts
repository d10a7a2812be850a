import { z } from "zod";

/** Stable, snake_case error codes. Clients switch on these; never rename one. */
export const ErrorCode = z.enum([
  "invalid_request", // malformed body, query or path; `details` names the fields
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
  "invalid_file", // dataset content failed validation; `details` has line numbers
  "unauthenticated", // no credentials
  "invalid_token",
  "token_revoked",
  "token_expired",
  "forbidden", // authenticated but not allowed (role, organization)
  "not_found",
  "conflict",
  "job_not_cancelable",
  "lease_lost", // a fenced write found the run no longer held by this worker
  "rate_limited",
  "internal_error",
  "service_unavailable",
  "database_unavailable", // the database cannot be reached right now; retry after `Retry-After` seconds
  "storage_unavailable", // the file store refused or failed (e.g. its service key); retry after `Retry-After` seconds
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetail = z.object({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(), // tolerant: an old client must survive a new code
    message: z.string(),
    request_id: z.string(),
    details: z.array(ErrorDetail).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
