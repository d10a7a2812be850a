import { openAsBlob } from "node:fs";
import type { ClaimedJob, LogBatch, RegisterWorkerRequest } from "@contract";
import {
  ClaimResponse,
  ErrorBody,
  EventBatchResponse,
  HeartbeatResponse,
  LogBatchResponse,
  RegisterWorkerResponse,
  ResultUploadResponse,
  ResultUploadTicket,
  RunOutcome,
} from "@contract";
import type { z } from "zod";
import { digestFile } from "./file-digest.ts";
import type { EventRecord, RunFailure, WorkerApi } from "./worker-api.ts";
import { WorkerApiError } from "./worker-api-error.ts";

export interface WorkerApiClientOptions {
  /** `{functions base}/worker-api`, no trailing slash. */
  workerApiUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Per-request limit for ordinary calls; claim adds its long-poll wait on top. */
  requestTimeoutMs?: number;
  /** Result uploads may be large: a separate, longer limit. */
  uploadTimeoutMs?: number;
  userAgent?: string;
  /** The worker's organization, when known before register() (which sets it). */
  organizationId?: string;
}

/** HTTP client for the worker protocol (docs/http-api.md, section worker-api). */
export class WorkerApiClient implements WorkerApi {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #uploadTimeoutMs: number;
  readonly #userAgent: string;
  /** From register(): result file ids hash the content with it. */
  #organizationId: string | undefined;

  constructor(options: WorkerApiClientOptions) {
    this.#base = options.workerApiUrl.replace(/\/+$/, "");
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#uploadTimeoutMs = options.uploadTimeoutMs ?? 30 * 60_000;
    this.#userAgent = options.userAgent ?? "openweights-worker";
    this.#organizationId = options.organizationId;
  }

  async register(request: RegisterWorkerRequest, signal?: AbortSignal) {
    const answer = await this.#json("POST", "/register", request, RegisterWorkerResponse, { signal });
    this.#organizationId = answer.organization_id;
    return answer;
  }

  heartbeat(runIds: string[], cachedModels?: string[], signal?: AbortSignal) {
    const body =
      cachedModels === undefined ? { run_ids: runIds } : { run_ids: runIds, cached_models: cachedModels };
    return this.#json("POST", "/heartbeat", body, HeartbeatResponse, { signal });
  }

  async claim(waitMs: number, signal?: AbortSignal): Promise<ClaimedJob | null> {
    const timeoutMs = waitMs + this.#timeoutMs;
    const answer = await this.#json("POST", "/claim", { wait_ms: waitMs }, ClaimResponse, {
      signal,
      timeoutMs,
    });
    return answer.claim;
  }

  postLogs(runId: string, batch: LogBatch, signal?: AbortSignal) {
    return this.#json("POST", `/runs/${encodeURIComponent(runId)}/logs`, batch, LogBatchResponse, { signal });
  }

  postEvents(runId: string, events: EventRecord[], signal?: AbortSignal) {
    return this.#json("POST", `/runs/${encodeURIComponent(runId)}/events`, { events }, EventBatchResponse, {
      signal,
    });
  }

  /**
   * A result file straight to storage: a signed upload URL from worker-api, a PUT of the bytes
   * there (they never pass through the function), then finalize, which registers the file and its
   * `file` event once storage holds what was declared. Each step can be repeated safely.
   */
  async uploadResult(runId: string, path: string, filePath: string, signal?: AbortSignal) {
    const organizationId = this.#organizationId;
    if (!organizationId)
      throw new WorkerApiError(
        null,
        "not_registered",
        "register before uploading results (the file id needs the organization)",
      );
    const digest = await digestFile(filePath, organizationId);
    const run = `/runs/${encodeURIComponent(runId)}/results`;
    const ticket = await this.#json(
      "POST",
      `${run}/uploads`,
      { path, bytes: digest.bytes, sha256: digest.sha256, org_sha256: digest.orgSha256 },
      ResultUploadTicket,
      { signal },
    );
    if (ticket.upload_url !== null) await this.#putSigned(ticket.upload_url, filePath, signal);
    return this.#json("POST", `${run}/finalize`, { upload_id: ticket.upload_id }, ResultUploadResponse, {
      signal,
    });
  }

  /** PUTs a file to a signed URL (no credentials: the URL carries them). */
  async #putSigned(url: string, filePath: string, signal: AbortSignal | undefined): Promise<void> {
    const timeout = AbortSignal.timeout(this.#uploadTimeoutMs);
    // A file-backed Blob streams from disk and carries its length.
    const body = await openAsBlob(filePath, { type: "application/octet-stream" });
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "user-agent": this.#userAgent },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new WorkerApiError(null, "network_error", `result upload to storage failed: ${String(error)}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      // Storage's refusal is not worker-api's: a 401/403 here must not read as the worker's own
      // token being rejected. No status: retried with a fresh URL (uploadResults' retry).
      const text = (await response.text().catch(() => "")).slice(0, 300);
      throw new WorkerApiError(
        null,
        "storage_upload_failed",
        `signed result upload answered ${response.status}: ${text}`,
      );
    }
    await response.body?.cancel();
  }

  complete(runId: string, exitCode: number, signal?: AbortSignal) {
    return this.#json(
      "POST",
      `/runs/${encodeURIComponent(runId)}/complete`,
      { exit_code: exitCode },
      RunOutcome,
      {
        signal,
      },
    );
  }

  fail(runId: string, failure: RunFailure, signal?: AbortSignal) {
    return this.#json("POST", `/runs/${encodeURIComponent(runId)}/fail`, failure, RunOutcome, { signal });
  }

  async stop(reason: string, signal?: AbortSignal): Promise<void> {
    await this.#request("POST", "/stop", { reason: reason.slice(0, 500) }, { signal });
  }

  async #json<S extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: S,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number },
  ): Promise<z.infer<S>> {
    const response = await this.#request(method, path, body, options);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new WorkerApiError(response.status, "invalid_response", `unexpected answer to ${method} ${path}`);
    }
    return parsed.data;
  }

  async #request(
    method: string,
    path: string,
    body: unknown,
    options: { signal?: AbortSignal | undefined; timeoutMs?: number },
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const isBlob = body instanceof Blob;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      "user-agent": this.#userAgent,
      "content-type": isBlob ? "application/octet-stream" : "application/json",
    };
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: isBlob ? body : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      const what = timeout.aborted ? "timed out" : options.signal?.aborted ? "aborted" : "failed";
      throw new WorkerApiError(null, "network_error", `${method} ${path} ${what}: ${String(error)}`, {
        cause: error,
      });
    }
    if (response.ok) return response;
    throw await toApiError(response, `${method} ${path}`);
  }
}

async function toApiError(response: Response, what: string): Promise<WorkerApiError> {
  const text = await response.text().catch(() => "");
  let code = `http_${response.status}`;
  let message = text.slice(0, 500);
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new WorkerApiError(response.status, code, `${what} answered ${response.status} ${code}: ${message}`);
}
