// The worker protocol (`/functions/v1/worker-api`). Every route but health needs a worker token;
// writes about a run are fenced in SQL and answer 409 lease_lost when the run is no longer this
// worker's. Routes are declared in contract/routes/worker-api.ts; this file binds the handlers.
import type { Context } from "hono";
import { MountPath } from "../_shared/contract/jobs.ts";
import { WorkerApiRoutes as R, WORKER_API_ROUTES } from "../_shared/contract/routes/index.ts";
import { RunOutcome, WorkerLogBatch } from "../_shared/contract/worker-protocol.ts";
import { type Row, rowMapper } from "../_shared/db/row-mapper.ts";
import { refuseDeclaredOversize } from "../_shared/files/file-ingest.ts";
import { workerHardwareType } from "../_shared/hardware/hardware-string.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { createBaseApp, parseWith, readJson } from "../_shared/http/base-app.ts";
import { noAuthentication, workerAuthenticator } from "../_shared/http/callers.ts";
import { answer } from "../_shared/http/define-route.ts";
import { mountRoutes } from "../_shared/http/mount.ts";
import { claimOnce, describeClaim } from "./claim.ts";
import { asWorker, route, type WorkerApiDeps, type WorkerEnv } from "./context.ts";
import { createResultUpload, finalizeResultUpload } from "./result-uploads.ts";
import { uploadResult } from "./results.ts";

export type { WorkerApiDeps };

// 500 lines × 2,000 characters, with room for JSON quoting.
const WORKER_LOG_TEXT_MAX_BYTES = 1_100_000;

export function makeApp(deps: WorkerApiDeps) {
  const app = createBaseApp<WorkerEnv>({ basePath: WORKER_API_ROUTES.basePath, log: deps.log });
  mountRoutes(app, workerApiRoutes(deps), {
    authenticate: { public: noAuthentication, worker: workerAuthenticator(deps) },
    declared: WORKER_API_ROUTES.routes,
  });
  return app;
}

/** Every handler of the function, each bound to its declaration. */
export function workerApiRoutes(deps: WorkerApiDeps) {
  return [route(R.health, async () => ({ ok: true as const })), ...lifecycleRoutes(deps), ...runRoutes(deps)];
}

function lifecycleRoutes(deps: WorkerApiDeps) {
  return [
    route(R.register, async ({ c, body: b }) => {
      const row = await asWorker(deps, c.get("principal"), async (tx) => {
        const [r] = await tx<
          { r: { worker_id: string; organization_id: string; requeued_run_ids: string[] } }[]
        >`
          select public.register_worker(${b.image}, ${b.provider}, ${b.pod_id}, ${workerHardwareType(b.hardware_type)}, ${b.gpu_type},
          ${b.gpu_count}, ${b.vram_gb}, ${b.cached_models}::text[]) as r`;
        return r!.r;
      });
      const { leaseSeconds, heartbeatSeconds, maxClaimWaitMs } = deps.config;
      return {
        worker_id: row.worker_id,
        organization_id: row.organization_id,
        requeued_run_ids: row.requeued_run_ids,
        timings: {
          heartbeat_interval_ms: heartbeatSeconds * 1000,
          lease_ms: leaseSeconds * 1000,
          claim_wait_ms: maxClaimWaitMs,
        },
      };
    }),

    route(R.heartbeat, async ({ c, body: b }) => {
      // worker_heartbeat returns the contract's HeartbeatResponse as jsonb; the mount checks it.
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) => tx<
          { r: { runs: { run_id: string; action: "continue" | "cancel" | "stop" }[]; shutdown: boolean } }[]
        >`
          select public.worker_heartbeat(${b.run_ids}::uuid[], ${deps.config.leaseSeconds}, ${b.cached_models ?? null}::text[]) as r`,
      );
      return r!.r;
    }),

    route(R.claim, async ({ c, body }) => {
      const principal = c.get("principal");
      const deadline = Date.now() + Math.min(body.wait_ms, deps.config.maxClaimWaitMs);
      for (;;) {
        const claimed = await claimOnce(deps, principal);
        if (claimed) return { claim: await describeClaim(deps, claimed) };
        const remaining = deadline - Date.now();
        if (remaining <= 0 || c.req.raw.signal.aborted) return { claim: null };
        // Wakes on a new pending job of this organization; the 1 s cap covers jobs that became
        // claimable without a notification (e.g. another worker released its claim).
        await deps.notifier.wait("ow_jobs", principal.organizationId, Math.min(remaining, 1000));
      }
    }),

    route(R.workerLogs, async ({ c }) => {
      const batch = await readWorkerLogBatch(c);
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) =>
          tx<{ n: number }[]>`select public.append_worker_logs(${batch.source}, ${batch.lines}::text[]) as n`,
      );
      return { accepted: r?.n ?? 0 };
    }),

    route(R.stop, async ({ c, body }) => {
      await asWorker(deps, c.get("principal"), (tx) => tx`select public.stop_worker(${body.reason})`);
      return { ok: true as const };
    }),
  ];
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
  return [
    route(R.runLogs, async ({ c, params, body: b }) => {
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) => tx<{ accepted: boolean }[]>`
          select public.append_run_logs(${params.run_id}, ${b.seq}, ${b.streams}, ${b.lines}::text[]) as accepted`,
      );
      return { accepted: r?.accepted === true };
    }),

    route(R.runEvents, async ({ c, params, body: b }) => {
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) =>
          tx<
            { n: number }[]
          >`select public.append_run_events(${params.run_id}, ${tx.json(b.events as never)}) as n`,
      );
      return { accepted: r?.n ?? 0 };
    }),

    route(R.runResults, async ({ c, params, query }) => {
      parseWith(MountPath, query.path, "path");
      if (!c.req.raw.body)
        throw new ApiError(400, "invalid_request", "the upload has no body", [
          { path: "body", message: "required" },
        ]);
      refuseDeclaredOversize(c.req.raw, deps.config.maxUploadBytes);
      return answer(
        201,
        await uploadResult(deps, c.get("principal"), params.run_id, query.path, c.req.raw.body),
      );
    }),

    route(R.runResultUpload, async ({ c, params, body }) =>
      answer(201, await createResultUpload(deps, c.get("principal"), params.run_id, body)),
    ),

    route(R.runResultFinalize, async ({ c, params, body }) =>
      answer(201, await finalizeResultUpload(deps, c.get("principal"), params.run_id, body.upload_id)),
    ),

    route(R.complete, async ({ c, params, body }) => {
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) =>
          tx`select job_status, will_retry from public.complete_run(${params.run_id}, ${body.exit_code})`,
      );
      return asOutcome(r);
    }),

    route(R.fail, async ({ c, params, body: b }) => {
      const [r] = await asWorker(
        deps,
        c.get("principal"),
        (tx) =>
          tx`select job_status, will_retry from public.fail_run(${params.run_id}, ${b.failure_kind}, ${b.message}, ${b.exit_code})`,
      );
      return asOutcome(r);
    }),
  ];
}

const asOutcomeRow = rowMapper(RunOutcome);

/** complete_run / fail_run's one row (a fenced write that lost its lease raised lease_lost instead). */
function asOutcome(row: Row | undefined): RunOutcome {
  if (!row) throw new ApiError(409, "lease_lost", "the run is no longer held by this worker");
  return asOutcomeRow(row);
}
