// An in-memory double of the worker protocol (docs/http-api.md, section worker-api), validating
// every request with the contract's schemas, for the worker's tests. It keeps the rules the worker
// depends on: fenced writes answer 409 `lease_lost`, log batches dedup by seq, events by seq,
// failures follow `failurePolicy`, a restarted worker's runs are requeued at register.
import { createHash, randomUUID } from "node:crypto";
import type { ClaimedJob, FailureKind, JobStatus, RunStatus } from "@contract";
import {
  ClaimRequest,
  CompleteRunRequest,
  EventBatch,
  FailRunRequest,
  failurePolicy,
  HeartbeatRequest,
  JOB_DEFAULTS,
  LogBatch,
  RegisterWorkerRequest,
  ResultFinalizeRequest,
  ResultUploadQuery,
  ResultUploadRequest,
  StopWorkerRequest,
} from "@contract";
import { type Context, Hono } from "hono";
import type { z } from "zod";

export const FAKE_ORG = "00000000-0000-4000-8000-000000000001";

export interface FakeJobInput {
  type?: string;
  image: string;
  entrypoint: string[];
  params?: Record<string, unknown>;
  mounts?: { path: string; content: string }[];
  secrets?: Record<string, string>;
  timeout_seconds?: number;
  max_attempts?: number;
  model?: string | null;
}

export interface FakeJob extends Required<Omit<FakeJobInput, "mounts">> {
  id: string;
  status: JobStatus;
  /** Runs started so far (the next run's attempt number - 1). */
  attempts: number;
  /** Attempts that count against max_attempts (preemptions and lost workers do not). */
  charged: number;
  mounts: { path: string; content: Buffer; file_id: string }[];
}

export interface FakeRun {
  id: string;
  job_id: string;
  worker_id: string;
  attempt: number;
  status: RunStatus;
  failure_kind: FailureKind | null;
  exit_code: number | null;
  message: string | null;
  logBatches: Map<number, { streams: string; lines: string[] }>;
  events: Map<number, Record<string, unknown>>;
  fileEvents: Record<string, unknown>[];
  results: { path: string; file_id: string; content: Buffer }[];
  /** Fenced writes refused with 409 after the run stopped being in progress. */
  refusedWrites: string[];
}

/** Decides the fate of the n-th call (1-based) to a route: fail with 503, or store but lose the answer. */
export type Fault = (n: number) => "fail" | "drop_answer" | undefined;

export interface FakeOptions {
  timings?: { heartbeat_interval_ms: number; lease_ms: number; claim_wait_ms: number };
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const fileId = (purpose: string, content: Buffer) =>
  `${purpose}:file-${sha256(Buffer.concat([content, Buffer.from(FAKE_ORG)])).slice(0, 12)}`;

export class FakeWorkerApi {
  readonly jobs = new Map<string, FakeJob>();
  readonly runs = new Map<string, FakeRun>();
  readonly workers = new Map<
    string,
    { registered: number; stopped: string | null; shutdownRequested: boolean; heartbeats: number }
  >();
  readonly faults: Record<string, Fault> = {};
  readonly calls: Record<string, number> = {};
  readonly #tokens = new Map<string, { workerId: string; revoked: boolean }>();
  readonly #uploads = new Map<string, { runId: string; path: string; content: Buffer | null }>();
  readonly #timings: NonNullable<FakeOptions["timings"]>;
  #origin = "http://127.0.0.1";
  readonly app: Hono;

  constructor(options: FakeOptions = {}) {
    this.#timings = options.timings ?? {
      heartbeat_interval_ms: 5_000,
      lease_ms: 60_000,
      claim_wait_ms: 25_000,
    };
    this.app = this.#routes();
  }

  setOrigin(origin: string): void {
    this.#origin = origin;
  }

  addWorkerToken(token: string, workerId: string): void {
    this.#tokens.set(token, { workerId, revoked: false });
  }

  submitJob(input: FakeJobInput): string {
    const type = input.type ?? "custom";
    const id = `${type}-${sha256(randomUUID()).slice(0, 12)}`;
    const mounts = (input.mounts ?? []).map((m) => {
      const content = Buffer.from(m.content);
      return { path: m.path, content, file_id: fileId("custom_job_file", content) };
    });
    this.jobs.set(id, {
      type,
      image: input.image,
      entrypoint: input.entrypoint,
      params: input.params ?? {},
      secrets: input.secrets ?? {},
      timeout_seconds: input.timeout_seconds ?? 3600,
      max_attempts: input.max_attempts ?? JOB_DEFAULTS.max_attempts,
      model: input.model ?? null,
      id,
      status: "pending",
      attempts: 0,
      charged: 0,
      mounts,
    });
    return id;
  }

  cancelJob(jobId: string): void {
    const job = this.#job(jobId);
    job.status = "canceled";
    for (const run of this.runs.values())
      if (run.job_id === jobId && run.status === "in_progress") run.status = "canceled";
  }

  /** What the reaper does to an expired lease: the run is lost and the job requeued. */
  breakLease(runId: string): void {
    const run = this.runs.get(runId);
    if (run?.status !== "in_progress") throw new Error(`run ${runId} is not in progress`);
    run.status = "lost";
    run.failure_kind = "lost";
    this.#job(run.job_id).status = "pending";
  }

  requestShutdown(workerId: string): void {
    const worker = this.workers.get(workerId);
    if (worker) worker.shutdownRequested = true;
  }

  runsOf(jobId: string): FakeRun[] {
    return [...this.runs.values()].filter((r) => r.job_id === jobId).sort((a, b) => a.attempt - b.attempt);
  }

  #job(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return job;
  }

  #routes(): Hono {
    const app = new Hono();
    app.get("/functions/v1/fake-files/:file_id", (c) => {
      for (const job of this.jobs.values()) {
        const mount = job.mounts.find((m) => m.file_id === c.req.param("file_id"));
        if (mount)
          return c.body(new Uint8Array(mount.content), 200, { "content-type": "application/octet-stream" });
      }
      return error(c, 404, "not_found", "no such file");
    });
    // Signed result uploads: the URL a ticket hands out (no credentials, as a signed URL).
    app.put("/functions/v1/fake-uploads/:upload_id", async (c) => {
      const pending = this.#uploads.get(c.req.param("upload_id"));
      if (!pending) return error(c, 404, "not_found", "unknown signed upload URL");
      pending.content = Buffer.from(await c.req.arrayBuffer());
      return c.json({ Key: c.req.param("upload_id") });
    });
    const api = new Hono<{ Variables: { workerId: string } }>();
    api.use("*", async (c, next) => {
      const token = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
      const entry = token === undefined ? undefined : this.#tokens.get(token);
      if (!entry) return error(c, 401, "invalid_token", "unknown token");
      if (entry.revoked) return error(c, 401, "token_revoked", "this worker has stopped");
      c.set("workerId", entry.workerId);
      await next();
    });
    api.post("/register", (c) =>
      this.#withBody(c, RegisterWorkerRequest, "register", () => this.#register(c.get("workerId"))),
    );
    api.post("/heartbeat", (c) =>
      this.#withBody(c, HeartbeatRequest, "heartbeat", (b) => this.#heartbeat(c.get("workerId"), b.run_ids)),
    );
    api.post("/claim", (c) =>
      this.#withBody(c, ClaimRequest, "claim", (b) =>
        this.#claim(c.get("workerId"), b.wait_ms, c.req.raw.signal),
      ),
    );
    api.post("/runs/:run_id/logs", (c) =>
      this.#fenced(c, LogBatch, "logs", (run, b) => {
        if (run.logBatches.has(b.seq)) return { accepted: false };
        run.logBatches.set(b.seq, { streams: b.streams, lines: b.lines });
        return { accepted: true };
      }),
    );
    api.post("/runs/:run_id/events", (c) =>
      this.#fenced(c, EventBatch, "events", (run, b) => {
        let accepted = 0;
        for (const e of b.events) if (!run.events.has(e.seq) && run.events.set(e.seq, e.data)) accepted++;
        return { accepted };
      }),
    );
    api.post("/runs/:run_id/results", async (c) => {
      const query = ResultUploadQuery.safeParse(c.req.query());
      if (!query.success) return error(c, 400, "invalid_request", query.error.message);
      const content = Buffer.from(await c.req.arrayBuffer());
      return this.#fenced(c, null, "results", (run) => {
        const id = fileId("result", content);
        run.results.push({ path: query.data.path, file_id: id, content });
        run.fileEvents.push({ type: "file", path: query.data.path, file_id: id });
        return { file_id: id, event_seq: null };
      });
    });
    api.post("/runs/:run_id/results/uploads", (c) =>
      this.#fenced(c, ResultUploadRequest, "result ticket", (run, b) => {
        const uploadId = randomUUID();
        this.#uploads.set(uploadId, { runId: run.id, path: b.path, content: null });
        return {
          file_id: `result:file-${b.org_sha256.slice(0, 12)}`,
          upload_url: `${this.#origin}/functions/v1/fake-uploads/${uploadId}`,
          upload_id: uploadId,
          expires_at: new Date(Date.now() + 7_200_000).toISOString(),
        };
      }),
    );
    api.post("/runs/:run_id/results/finalize", (c) =>
      this.#fenced(c, ResultFinalizeRequest, "result finalize", (run, b) => {
        const pending = this.#uploads.get(b.upload_id);
        if (!pending || pending.runId !== run.id || !pending.content) throw new Error("nothing uploaded");
        const id = fileId("result", pending.content);
        if (!run.results.some((r) => r.path === pending.path)) {
          run.results.push({ path: pending.path, file_id: id, content: pending.content });
          run.fileEvents.push({ type: "file", path: pending.path, file_id: id });
        }
        return { file_id: id, event_seq: null };
      }),
    );
    api.post("/runs/:run_id/complete", (c) =>
      this.#fenced(c, CompleteRunRequest, "complete", (run, b) =>
        this.#settle(run, "completed", null, b.exit_code, ""),
      ),
    );
    api.post("/runs/:run_id/fail", (c) =>
      this.#fenced(c, FailRunRequest, "fail", (run, b) =>
        this.#settle(run, null, b.failure_kind, b.exit_code, b.message),
      ),
    );
    api.post("/stop", (c) =>
      this.#withBody(c, StopWorkerRequest, "stop", (b) => this.#stop(c.get("workerId"), b.reason)),
    );
    app.route("/functions/v1/worker-api", api);
    return app;
  }

  async #withBody<S extends z.ZodType, R>(
    c: Context,
    schema: S,
    route: string,
    handle: (body: z.infer<S>) => R | Promise<R>,
  ) {
    const n = (this.calls[route] ?? 0) + 1;
    this.calls[route] = n;
    const fault = this.faults[route]?.(n);
    if (fault === "fail") return error(c, 503, "service_unavailable", "injected failure");
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return error(c, 400, "invalid_request", parsed.error.message);
    const result = await handle(parsed.data);
    if (fault === "drop_answer")
      return error(c, 503, "service_unavailable", "injected failure after storing");
    if (result instanceof Response) return result;
    return c.json(result as object);
  }

  async #fenced<S extends z.ZodType, R>(
    c: Context,
    schema: S | null,
    route: string,
    handle: (run: FakeRun, body: z.infer<S>) => R,
  ) {
    const run = this.runs.get(c.req.param("run_id") ?? "");
    const workerId = c.get("workerId") as string;
    return this.#withBody(c, schema ?? (ANY as unknown as S), route, (body) => {
      if (!run) return error(c, 404, "not_found", "no such run");
      if (run.worker_id !== workerId || run.status !== "in_progress") {
        run.refusedWrites.push(route);
        return error(c, 409, "lease_lost", "the run is no longer held by this worker");
      }
      return handle(run, body);
    });
  }

  #register(workerId: string) {
    const requeued: string[] = [];
    for (const run of this.runs.values()) {
      if (run.worker_id === workerId && run.status === "in_progress") {
        run.status = "lost";
        run.failure_kind = "lost";
        this.#job(run.job_id).status = "pending";
        requeued.push(run.id);
      }
    }
    const previous = this.workers.get(workerId);
    this.workers.set(workerId, {
      registered: (previous?.registered ?? 0) + 1,
      stopped: null,
      shutdownRequested: false,
      heartbeats: 0,
    });
    return {
      worker_id: workerId,
      organization_id: FAKE_ORG,
      timings: this.#timings,
      requeued_run_ids: requeued,
    };
  }

  #heartbeat(workerId: string, runIds: string[]) {
    const worker = this.workers.get(workerId);
    if (worker) worker.heartbeats++;
    const runs = runIds.map((id) => {
      const run = this.runs.get(id);
      const action: "continue" | "cancel" | "stop" =
        run?.status === "in_progress" && run.worker_id === workerId
          ? "continue"
          : run?.status === "canceled"
            ? "cancel"
            : "stop";
      return { run_id: id, action };
    });
    return { runs, shutdown: worker?.shutdownRequested ?? false };
  }

  async #claim(workerId: string, waitMs: number, signal: AbortSignal): Promise<{ claim: ClaimedJob | null }> {
    const deadline = Date.now() + Math.min(waitMs, this.#timings.claim_wait_ms);
    for (;;) {
      if (signal.aborted) return { claim: null };
      const job = [...this.jobs.values()].find((j) => j.status === "pending");
      if (job) return { claim: this.#startRun(job, workerId) };
      if (Date.now() >= deadline) return { claim: null };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #startRun(job: FakeJob, workerId: string): ClaimedJob {
    job.status = "in_progress";
    job.attempts++;
    const run: FakeRun = {
      id: randomUUID(),
      job_id: job.id,
      worker_id: workerId,
      attempt: job.attempts,
      status: "in_progress",
      failure_kind: null,
      exit_code: null,
      message: null,
      logBatches: new Map(),
      events: new Map(),
      fileEvents: [],
      results: [],
      refusedWrites: [],
    };
    this.runs.set(run.id, run);
    return {
      run_id: run.id,
      attempt: run.attempt,
      lease_expires_at: new Date(Date.now() + this.#timings.lease_ms).toISOString(),
      job: {
        id: job.id,
        type: job.type,
        image: job.image,
        entrypoint: job.entrypoint,
        params: job.params,
        timeout_seconds: job.timeout_seconds,
        requires_vram_gb: 0,
        model: job.model,
      },
      mounts: job.mounts.map((m) => ({
        path: m.path,
        file_id: m.file_id,
        bytes: m.content.length,
        sha256: sha256(m.content),
        url: `${this.#origin}/functions/v1/fake-files/${encodeURIComponent(m.file_id)}`,
      })),
      secrets: job.secrets,
      run_token: `run-token-${run.id}`,
    };
  }

  #settle(
    run: FakeRun,
    done: "completed" | null,
    kind: FailureKind | null,
    exitCode: number | null,
    message: string,
  ) {
    const job = this.#job(run.job_id);
    run.exit_code = exitCode;
    run.message = message;
    if (done) {
      run.status = "completed";
      job.status = "completed";
      return { job_status: job.status, will_retry: false };
    }
    const decision = failurePolicy(kind as FailureKind);
    run.status = kind === "canceled" ? "canceled" : "failed";
    run.failure_kind = kind;
    if (decision.countsAttempt) job.charged++;
    const willRetry = decision.retry && job.charged < job.max_attempts;
    job.status = willRetry ? "pending" : decision.finalStatus;
    return { job_status: job.status, will_retry: willRetry };
  }

  #stop(workerId: string, reason: string) {
    const worker = this.workers.get(workerId);
    if (worker) worker.stopped = reason;
    for (const [token, entry] of this.#tokens)
      if (entry.workerId === workerId) this.#tokens.set(token, { ...entry, revoked: true });
    // A run still held (a claim whose answer the worker never saw) goes back to the queue.
    for (const run of this.runs.values()) {
      if (run.worker_id === workerId && run.status === "in_progress") {
        run.status = "lost";
        this.#job(run.job_id).status = "pending";
      }
    }
    return { ok: true };
  }
}

const ANY = { safeParse: (v: unknown) => ({ success: true, data: v }) };

function error(c: Context, status: 400 | 401 | 404 | 409 | 503, code: string, message: string): Response {
  return c.json({ error: { code, message, request_id: randomUUID() } }, status);
}
