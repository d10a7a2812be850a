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
  RunOutcome,
} from "@contract";
import type { z } from "zod";
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
}

/** HTTP client for the worker protocol (docs/http-api.md, section worker-api). */
export class WorkerApiClient implements WorkerApi {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #uploadTimeoutMs: number;
  readonly #userAgent: string;

  constructor(options: WorkerApiClientOptions) {
    this.#base = options.workerApiUrl.replace(/\/+$/, "");
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#uploadTimeoutMs = options.uploadTimeoutMs ?? 30 * 60_000;
    this.#userAgent = options.userAgent ?? "openweights-worker";
  }

  register(request: RegisterWorkerRequest, signal?: AbortSignal) {
    return this.#json("POST", "/register", request, RegisterWorkerResponse, { signal });
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

  async uploadResult(runId: string, path: string, filePath: string, signal?: AbortSignal) {
    // A file-backed Blob streams from disk and carries its length; it can be re-read on retry.
    const blob = await openAsBlob(filePath, { type: "application/octet-stream" });
    const url = `/runs/${encodeURIComponent(runId)}/results?path=${encodeURIComponent(path)}`;
    return this.#json("POST", url, blob, ResultUploadResponse, { signal, timeoutMs: this.#uploadTimeoutMs });
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
