// The worker protocol (`/functions/v1/worker-api`). Every route needs a worker token; writes about
// a run are fenced in SQL and answer 409 lease_lost when the run is no longer this worker's.
import { type Context, Hono } from "hono";
import { Uuid } from "../_shared/contract/common.ts";
import { MountPath } from "../_shared/contract/jobs.ts";
import {
  ClaimRequest,
  CompleteRunRequest,
  EventBatch,
  FailRunRequest,
  HeartbeatRequest,
  LogBatch,
  RegisterWorkerRequest,
  ResultUploadQuery,
  StopWorkerRequest,
  WorkerLogBatch,
} from "../_shared/contract/worker-protocol.ts";
import { refuseDeclaredOversize } from "../_shared/files/file-ingest.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { createBaseApp, parseWith, queryObject, readJson } from "../_shared/http/base-app.ts";
import { claimOnce, describeClaim } from "./claim.ts";
import { asWorker, requireWorker, type WorkerApiDeps, type WorkerEnv } from "./context.ts";
import { uploadResult } from "./results.ts";

export type { WorkerApiDeps };

const LOG_BATCH_MAX_BYTES = 8 * 1024 * 1024;
// 500 lines × 2,000 characters, with room for JSON quoting.
const WORKER_LOG_TEXT_MAX_BYTES = 1_100_000;

export function makeApp(deps: WorkerApiDeps) {
  const app = createBaseApp<WorkerEnv>({ basePath: "/worker-api", log: deps.log });
  app.get("/health", (c) => c.json({ ok: true }));
  app.use("*", requireWorker(deps));
  app.route("/", lifecycleRoutes(deps));
  app.route("/", runRoutes(deps));
  return app;
}

function lifecycleRoutes(deps: WorkerApiDeps) {
  const app = new Hono<WorkerEnv>();

  app.post("/register", async (c) => {
    const b = parseWith(RegisterWorkerRequest, await readJson(c), "body");
    const row = await asWorker(deps, c.get("principal"), async (tx) => {
      const [r] =
        await tx`select public.register_worker(${b.image}, ${b.provider}, ${b.pod_id}, ${b.hardware_type}, ${b.gpu_type},
        ${b.gpu_count}, ${b.vram_gb}, ${b.cached_models}::text[]) as r`;
      return r!.r as { worker_id: string; organization_id: string; requeued_run_ids: string[] };
    });
    const { leaseSeconds, heartbeatSeconds, maxClaimWaitMs } = deps.config;
    return c.json({
      ...row,
      timings: {
        heartbeat_interval_ms: heartbeatSeconds * 1000,
        lease_ms: leaseSeconds * 1000,
        claim_wait_ms: maxClaimWaitMs,
      },
    });
  });

  app.post("/heartbeat", async (c) => {
    const b = parseWith(HeartbeatRequest, await readJson(c), "body");
    const result = await asWorker(deps, c.get("principal"), async (tx) => {
      const [r] =
        await tx`select public.worker_heartbeat(${b.run_ids}::uuid[], ${deps.config.leaseSeconds}, ${b.cached_models ?? null}::text[]) as r`;
      return r!.r;
    });
    return c.json(result);
  });

  app.post("/claim", async (c) => {
    const { wait_ms } = parseWith(ClaimRequest, await readJson(c), "body");
    const principal = c.get("principal");
    const deadline = Date.now() + Math.min(wait_ms, deps.config.maxClaimWaitMs);
    for (;;) {
      const claimed = await claimOnce(deps, principal);
      if (claimed) return c.json({ claim: await describeClaim(deps, claimed) });
      const remaining = deadline - Date.now();
      if (remaining <= 0 || c.req.raw.signal.aborted) return c.json({ claim: null });
      // Wakes on a new pending job of this organization; the 1 s cap covers jobs that became
      // claimable without a notification (e.g. another worker released its claim).
      await deps.notifier.wait("ow_jobs", principal.organizationId, Math.min(remaining, 1000));
    }
  });

  app.post("/worker-logs", async (c) => {
    const batch = await readWorkerLogBatch(c);
    const accepted = await asWorker(deps, c.get("principal"), async (tx) => {
      const [r] = await tx`select public.append_worker_logs(${batch.source}, ${batch.lines}::text[]) as n`;
      return Number(r?.n ?? 0);
    });
    return c.json({ accepted });
  });

  app.post("/stop", async (c) => {
    const { reason } = parseWith(StopWorkerRequest, await readJson(c), "body");
    await asWorker(deps, c.get("principal"), (tx) => tx`select public.stop_worker(${reason})`);
    return c.json({ ok: true });
  });

  return app;
}

/** JSON `{source, lines}`, or the boot script's text/plain (each body line a `boot` line). */
async function readWorkerLogBatch(c: Context): Promise<WorkerLogBatch> {
  if ((c.req.header("content-type") ?? "").startsWith("text/plain")) {
    const text = await c.req.text();
    if (text.length > WORKER_LOG_TEXT_MAX_BYTES) {
      throw new ApiError(413, "payload_too_large", `the body exceeds ${WORKER_LOG_TEXT_MAX_BYTES} bytes`);
    }
    const lines = text.split("\n").filter((line) => line.length > 0);
    return parseWith(WorkerLogBatch, { source: "boot", lines }, "body");
  }
  return parseWith(WorkerLogBatch, await readJson(c, WORKER_LOG_TEXT_MAX_BYTES), "body");
}

function runRoutes(deps: WorkerApiDeps) {
  const app = new Hono<WorkerEnv>();
  const runId = (raw: string) => parseWith(Uuid, raw, "run id");

  app.post("/runs/:run_id/logs", async (c) => {
    const id = runId(c.req.param("run_id"));
    const b = parseWith(LogBatch, await readJson(c, LOG_BATCH_MAX_BYTES), "body");
    const accepted = await asWorker(deps, c.get("principal"), async (tx) => {
      const [r] =
        await tx`select public.append_run_logs(${id}, ${b.seq}, ${b.streams}, ${b.lines}::text[]) as accepted`;
      return Boolean(r?.accepted);
    });
    return c.json({ accepted });
  });

  app.post("/runs/:run_id/events", async (c) => {
    const id = runId(c.req.param("run_id"));
    const b = parseWith(EventBatch, await readJson(c, LOG_BATCH_MAX_BYTES), "body");
    const accepted = await asWorker(deps, c.get("principal"), async (tx) => {
      const [r] = await tx`select public.append_run_events(${id}, ${tx.json(b.events as never)}) as n`;
      return Number(r?.n ?? 0);
    });
    return c.json({ accepted });
  });

  app.post("/runs/:run_id/results", async (c) => {
    const id = runId(c.req.param("run_id"));
    const { path } = parseWith(ResultUploadQuery, queryObject(c), "query");
    parseWith(MountPath, path, "path");
    if (!c.req.raw.body)
      throw new ApiError(400, "invalid_request", "the upload has no body", [
        { path: "body", message: "required" },
      ]);
    refuseDeclaredOversize(c.req.raw, deps.config.maxUploadBytes);
    return c.json(await uploadResult(deps, c.get("principal"), id, path, c.req.raw.body), 201);
  });

  app.post("/runs/:run_id/complete", async (c) => {
    const id = runId(c.req.param("run_id"));
    const { exit_code } = parseWith(CompleteRunRequest, await readJson(c), "body");
    const [r] = await asWorker(
      deps,
      c.get("principal"),
      (tx) => tx`select * from public.complete_run(${id}, ${exit_code})`,
    );
    return c.json({ job_status: r?.job_status, will_retry: Boolean(r?.will_retry) });
  });

  app.post("/runs/:run_id/fail", async (c) => {
    const id = runId(c.req.param("run_id"));
    const b = parseWith(FailRunRequest, await readJson(c), "body");
    const [r] = await asWorker(
      deps,
      c.get("principal"),
      (tx) => tx`select * from public.fail_run(${id}, ${b.failure_kind}, ${b.message}, ${b.exit_code})`,
    );
    return c.json({ job_status: r?.job_status, will_retry: Boolean(r?.will_retry) });
  });

  return app;
}
