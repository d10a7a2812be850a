/**
 * One error class per HTTP status, openai-node style. Every API error carries the server's stable
 * `code`, the `requestID` to quote in a bug report, and `details` (field paths or line numbers).
 */
import type { ErrorDetail } from "@contract";

export class OpenWeightsError extends Error {
  override name = "OpenWeightsError";
}

export interface APIErrorInit {
  status: number | undefined;
  code?: string | undefined;
  message: string;
  requestID?: string | undefined;
  details?: ErrorDetail[] | undefined;
  headers?: Headers | undefined;
  cause?: unknown;
}

export class APIError extends OpenWeightsError {
  override name = "APIError";
  readonly status: number | undefined;
  /** Stable snake_case code from the server (`not_found`, `token_expired`, …). */
  readonly code: string | undefined;
  readonly requestID: string | undefined;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Headers | undefined;

  constructor(init: APIErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestID = init.requestID;
    this.details = init.details;
    this.headers = init.headers;
  }
}

function formatMessage(init: APIErrorInit): string {
  const head = [init.status, init.code].filter((p) => p !== undefined).join(" ");
  return head ? `${head}: ${init.message}` : init.message;
}

export class BadRequestError extends APIError {
  override name = "BadRequestError";
}
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/** No HTTP response at all: DNS, refused connection, reset, TLS. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";
  constructor(message = "Connection error.", cause?: unknown) {
    super({ status: undefined, message, cause });
  }
}

export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
  constructor(message = "Request timed out.") {
    super(message);
  }
}

/** The caller's AbortSignal fired. Never retried. */
export class APIUserAbortError extends APIError {
  override name = "APIUserAbortError";
  constructor() {
    super({ status: undefined, message: "Request was aborted." });
  }
}

/** Dataset content failed the local checks; `errors` name the offending lines (1-based). */
export class FileValidationError extends OpenWeightsError {
  override name = "FileValidationError";
  constructor(
    readonly purpose: string,
    readonly errors: { line: number; message: string }[],
  ) {
    const shown = errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`);
    const more = errors.length > 5 ? ` (+${errors.length - 5} more)` : "";
    super(`invalid ${purpose} file: ${shown.join("; ")}${more}`);
  }
}

/** The bytes the server stored hash differently from what we sent. */
export class IntegrityError extends OpenWeightsError {
  override name = "IntegrityError";
}

/** `jobs.wait` gave up before the job reached a terminal status. */
export class WaitTimeoutError extends OpenWeightsError {
  override name = "WaitTimeoutError";
}

export function errorForStatus(init: APIErrorInit): APIError {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitError(init);
  }
  if (init.status !== undefined && init.status >= 500) return new InternalServerError(init);
  return new APIError(init);
}

/** Params given to a registered job family did not match its schema. */
export class InvalidParamsError extends OpenWeightsError {
  override name = "InvalidParamsError";
  constructor(
    readonly jobType: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(
      `invalid params for ${jobType}: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
}
