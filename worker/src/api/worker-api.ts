import type {
  ClaimedJob,
  FailureKind,
  HeartbeatResponse,
  LogBatch,
  RegisterWorkerRequest,
  RegisterWorkerResponse,
  RunOutcome,
} from "@contract";

/** The worker protocol as the loop sees it; `WorkerApiClient` speaks it over HTTP. */
export interface WorkerApi {
  register(request: RegisterWorkerRequest, signal?: AbortSignal): Promise<RegisterWorkerResponse>;
  heartbeat(runIds: string[], cachedModels?: string[], signal?: AbortSignal): Promise<HeartbeatResponse>;
  claim(waitMs: number, signal?: AbortSignal): Promise<ClaimedJob | null>;
  postLogs(runId: string, batch: LogBatch, signal?: AbortSignal): Promise<{ accepted: boolean }>;
  postEvents(runId: string, events: EventRecord[], signal?: AbortSignal): Promise<{ accepted: number }>;
  /** Uploads a local file as a result straight to storage; the server registers it and emits the `file` event. */
  uploadResult(
    runId: string,
    path: string,
    filePath: string,
    signal?: AbortSignal,
  ): Promise<{ file_id: string }>;
  complete(runId: string, exitCode: number, signal?: AbortSignal): Promise<RunOutcome>;
  fail(runId: string, failure: RunFailure, signal?: AbortSignal): Promise<RunOutcome>;
  stop(reason: string, signal?: AbortSignal): Promise<void>;
}

export interface EventRecord {
  seq: number;
  data: Record<string, unknown>;
}

export interface RunFailure {
  failure_kind: FailureKind;
  message: string;
  exit_code: number | null;
}
