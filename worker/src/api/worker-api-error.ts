// What a failed worker-api call means for the caller: retry later, stop the job (lease lost), or
// give up (a bug or a revoked token).

export class WorkerApiError extends Error {
  override readonly name = "WorkerApiError";
  /** HTTP status; null when no answer came (network error, timeout). */
  readonly status: number | null;
  /** The API's stable error code (`lease_lost`, `invalid_token`, …) or a local one. */
  readonly code: string;

  constructor(status: number | null, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
  }

  /** Network failures, timeouts, 408/425/429 and 5xx are worth retrying; other answers are final. */
  get retryable(): boolean {
    const s = this.status;
    return s === null || s === 408 || s === 425 || s === 429 || s >= 500;
  }

  /** A fenced write found the run no longer held by this worker: kill the job, report nothing. */
  get leaseLost(): boolean {
    return this.status === 409 && this.code === "lease_lost";
  }

  /** The worker's own credentials are no longer accepted: nothing it does can succeed. */
  get credentialsRejected(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export function isRetryableApiError(error: unknown): boolean {
  return error instanceof WorkerApiError && error.retryable;
}

export function isLeaseLost(error: unknown): boolean {
  return error instanceof WorkerApiError && error.leaseLost;
}
