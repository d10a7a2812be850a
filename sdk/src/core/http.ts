/**
 * The request pipeline every resource goes through: auth header, per-attempt timeout, retries
 * with backoff (see retry.ts for which failures), one 401 refresh, and error mapping.
 */
import { ErrorBody } from "@contract";
import type { Clock } from "./clock.ts";
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  errorForStatus,
} from "./errors.ts";
import { isRetryableStatus, retryDelayMs } from "./retry.ts";

export type QueryValue = string | number | boolean | null | undefined;
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RequestOptions {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A path under baseURL (`/api/jobs`) or an absolute URL (signed upload URLs). */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  /** JSON body. */
  body?: unknown;
  /** Raw body; a factory so a retry can send it again. */
  rawBody?: (() => BodyInit) | undefined;
  /** False when the raw body is a one-shot stream that cannot be sent twice. */
  replayable?: boolean | undefined;
  headers?: Record<string, string> | undefined;
  /** Send the Authorization header (false for token exchange and signed URLs). */
  auth?: boolean | undefined;
  maxRetries?: number | undefined;
  timeout?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Supplies the bearer credential and knows whether a fresh one could fix a 401. */
export interface CredentialSource {
  bearer(signal?: AbortSignal): Promise<string>;
  /** Forget the current credential; true when asking again may yield a different one. */
  invalidate(): boolean;
}

export interface HttpConfig {
  baseURL: string;
  maxRetries: number;
  timeout: number;
  fetch: FetchLike;
  /** Used for streamed request bodies when set (the Node entry's node:http transport). */
  uploadFetch?: FetchLike | undefined;
  clock: Clock;
  random: () => number;
  credentials: CredentialSource;
  userAgent: string;
}

const REFRESHABLE_CODES = new Set(["token_expired", "invalid_token"]);

export class HttpClient {
  constructor(readonly config: HttpConfig) {}

  /** Sends the request and parses a JSON response. */
  async json<T>(options: RequestOptions): Promise<T> {
    const response = await this.send(options);
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /** Sends the request and returns the successful Response unread (downloads, streams). */
  async send(options: RequestOptions): Promise<Response> {
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const replayable = options.replayable ?? true;
    let refreshed = false;
    for (let retries = 0; ; retries++) {
      const outcome = await this.attempt(options);
      if (outcome instanceof Response) return outcome;
      const { error, retryable, headers } = outcome;
      if (
        error.status === 401 &&
        !refreshed &&
        options.auth !== false &&
        REFRESHABLE_CODES.has(error.code ?? "")
      ) {
        refreshed = true;
        if (this.config.credentials.invalidate() && replayable) {
          retries--; // a refresh is not a retry
          continue;
        }
      }
      if (!retryable || retries >= maxRetries || !replayable) throw error;
      const delay = retryDelayMs(retries, headers, this.config.clock.now(), this.config.random);
      await this.config.clock.sleep(delay, options.signal).catch(() => {
        throw new APIUserAbortError();
      });
    }
  }

  private async attempt(
    options: RequestOptions,
  ): Promise<Response | { error: APIError; retryable: boolean; headers?: Headers | undefined }> {
    if (options.signal?.aborted) throw new APIUserAbortError();
    const timeoutMs = options.timeout ?? this.config.timeout;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    try {
      const init = await this.buildInit(options, controller.signal);
      const transport =
        options.rawBody && this.config.uploadFetch ? this.config.uploadFetch : this.config.fetch;
      const response = await transport(this.url(options), init);
      if (response.ok) return response;
      const error = await toAPIError(response);
      return {
        error,
        retryable: isRetryableStatus(response.status, error.code, response.headers),
        headers: response.headers,
      };
    } catch (cause) {
      if (options.signal?.aborted) throw new APIUserAbortError();
      if (cause instanceof APIError) throw cause; // from the credential exchange, already retried
      const error = controller.signal.aborted ? new APITimeoutError() : connectionError(cause);
      return { error, retryable: true };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async buildInit(options: RequestOptions, signal: AbortSignal): Promise<RequestInit> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.config.userAgent,
    };
    let body: BodyInit | undefined;
    if (options.rawBody) {
      body = options.rawBody();
      headers["content-type"] = "application/octet-stream";
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    Object.assign(headers, options.headers);
    if (options.auth !== false)
      headers.authorization = `Bearer ${await this.config.credentials.bearer(signal)}`;
    const init: RequestInit & { duplex?: "half" } = { method: options.method, headers, body, signal };
    // Node's fetch refuses a streaming body unless told the request is half-duplex.
    if (body instanceof ReadableStream) init.duplex = "half";
    return init;
  }

  url(options: Pick<RequestOptions, "path" | "query">): string {
    const absolute = /^https?:\/\//.test(options.path);
    const url = new URL(
      absolute ? options.path : `${this.config.baseURL.replace(/\/+$/, "")}${options.path}`,
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

function connectionError(cause: unknown): APIConnectionError {
  const reason =
    cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : "";
  return new APIConnectionError(reason ? `Connection error: ${reason}` : "Connection error.", cause);
}

export async function toAPIError(response: Response): Promise<APIError> {
  const text = await response.text().catch(() => "");
  let parsed: ErrorBody | undefined;
  try {
    const result = ErrorBody.safeParse(JSON.parse(text));
    if (result.success) parsed = result.data;
  } catch {
    // not JSON: a proxy page or an empty body
  }
  const headerID = response.headers.get("x-request-id") ?? response.headers.get("sb-request-id") ?? undefined;
  return errorForStatus({
    status: response.status,
    code: parsed?.error.code,
    message: parsed?.error.message ?? (text.slice(0, 500) || response.statusText || "request failed"),
    requestID: parsed?.error.request_id ?? headerID,
    details: parsed?.error.details,
    headers: response.headers,
  });
}
