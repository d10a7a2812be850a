import type { ErrorCode, ErrorDetail } from "../contract/errors.ts";

/** The one way to fail a request: a status, a stable code and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Seconds, sent as Retry-After (429 and 503 always carry one). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new ApiError(400, "invalid_request", message, details);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);

/** Custom SQLSTATEs raised by our SQL functions (see supabase/migrations), and standard ones. */
const SQLSTATE_MAP: Record<string, [ApiError["status"], ErrorCode]> = {
  OWVAL: [400, "invalid_request"],
  OWFRB: [403, "forbidden"],
  OWNFD: [404, "not_found"],
  OWCON: [409, "conflict"],
  OWNCN: [409, "job_not_cancelable"],
  OWLEA: [409, "lease_lost"],
  OWREV: [401, "token_revoked"],
  OWEXP: [401, "token_expired"],
  OWLIM: [429, "rate_limited"],
  "42501": [403, "forbidden"], // insufficient_privilege (RLS / grants)
  "23505": [409, "conflict"], // unique_violation
  "23503": [400, "invalid_request"], // foreign_key_violation
  "23514": [400, "invalid_request"], // check_violation
  "23502": [400, "invalid_request"], // not_null_violation
  "22P02": [400, "invalid_request"], // invalid_text_representation
  "22001": [400, "invalid_request"], // string_data_right_truncation
  "22003": [400, "invalid_request"], // numeric_value_out_of_range
  "22007": [400, "invalid_request"], // invalid_datetime_format
  "22008": [400, "invalid_request"], // datetime_field_overflow
  "22021": [400, "invalid_request"], // character_not_in_repertoire (bad UTF-8 / NUL)
  "22023": [400, "invalid_request"], // invalid_parameter_value
  "2202E": [400, "invalid_request"], // array_subscript_error
  "22P05": [400, "invalid_request"], // untranslatable_character (\u0000 in jsonb)
  "54000": [400, "invalid_request"], // program_limit_exceeded (e.g. index row too big)
  "57014": [503, "service_unavailable"], // query_canceled (statement timeout)
  // Lock conflicts the database resolved by aborting one side: nothing was written, a retry works.
  "40001": [503, "service_unavailable"], // serialization_failure
  "40P01": [503, "service_unavailable"], // deadlock_detected
  "53300": [503, "service_unavailable"], // too_many_connections
};

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  hint?: unknown;
}

/** Seconds a client is told to wait (`Retry-After`) on a 503: a restarted PostgreSQL accepts
 * connections again within about a second here (measured by the chaos suite, RELIABILITY.md). */
export const RETRY_AFTER_SECONDS = 2;

// The database is unreachable or went away under the request: the error codes postgres.js gives
// for a refused, reset, timed-out or closed connection (in Node and in Deno's node:net), and the
// SQLSTATEs of a server that is shutting down, starting or crashed (class 08 and 57P01-57P05).
// Seen as `connect ECONNREFUSED` 500s while PostgreSQL was down (issue 11, item 7).
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown: pg_terminate_backend, or a fast shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
  "57P05", // idle_session_timeout
]);

export function isDatabaseUnreachable(error: unknown): boolean {
  const code = (error as PgLikeError)?.code;
  return typeof code === "string" && (UNREACHABLE_CODES.has(code) || code.startsWith("08"));
}

/** Maps a database error to an ApiError; unknown ones become a 500 without leaking details. */
export function fromDatabaseError(error: unknown): ApiError | undefined {
  const e = error as PgLikeError;
  if (typeof e?.code !== "string") return undefined;
  if (isDatabaseUnreachable(e))
    return new ApiError(
      503,
      "database_unavailable",
      "the database cannot be reached right now; retry shortly",
    );
  const mapped = SQLSTATE_MAP[e.code];
  if (!mapped) return undefined;
  const [status, code] = mapped;
  // Our own SQLSTATEs carry messages written for callers; standard ones may name internals.
  const message = e.code.startsWith("OW") && typeof e.message === "string" ? e.message : defaultMessage(code);
  // OWLIM (rate limit) puts the seconds until the window reopens in the hint.
  const hinted = Number(e.hint);
  const retryAfter = Number.isInteger(hinted) && hinted > 0 ? hinted : undefined;
  return new ApiError(status, code, message, undefined, retryAfter);
}

function defaultMessage(code: ErrorCode): string {
  switch (code) {
    case "forbidden":
      return "not allowed for this credential";
    case "conflict":
      return "conflicts with an existing resource";
    case "service_unavailable":
      return "the database is busy; retry shortly";
    default:
      return "the request contains a value the database rejected";
  }
}
