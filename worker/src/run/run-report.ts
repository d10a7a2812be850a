import type { RunOutcome } from "@contract";
import type { WorkerApi } from "../api/worker-api.ts";
import { isLeaseLost, isRetryableApiError } from "../api/worker-api-error.ts";
import { withRetry } from "../util/backoff.ts";
import type { Clock } from "../util/clock.ts";
import type { Logger } from "../util/logger.ts";
import type { RunVerdict } from "./failure-classifier.ts";
import { listResultFiles } from "./result-files.ts";

export interface ReportContext {
  api: WorkerApi;
  clock: Clock;
  logger: Logger;
  runId: string;
  retryMaxDelayMs: number;
  /** Aborted when the lease is lost. */
  signal: AbortSignal;
  onLeaseLost(): void;
}

function retryOptions(ctx: ReportContext, maxAttempts: number) {
  return {
    clock: ctx.clock,
    initialMs: 500,
    maxMs: ctx.retryMaxDelayMs,
    maxAttempts,
    isRetryable: isRetryableApiError,
    signal: ctx.signal,
  };
}

/**
 * Uploads everything under uploads/ (the server stores each as a `result` file and emits its
 * `file` event). Results are uploaded whatever the outcome — a failed run's partial outputs help
 * debugging. A successful run whose results could not be uploaded did not succeed: system_error.
 */
export async function uploadResults(
  ctx: ReportContext,
  uploadsDir: string,
  verdict: RunVerdict,
): Promise<RunVerdict> {
  const files = await listResultFiles(uploadsDir);
  for (const file of files) {
    try {
      await withRetry(
        (_) => ctx.api.uploadResult(ctx.runId, file.path, file.absolutePath, ctx.signal),
        retryOptions(ctx, 5),
      );
      ctx.logger.info("uploaded result", { run_id: ctx.runId, path: file.path, bytes: file.bytes });
    } catch (error) {
      if (isLeaseLost(error)) {
        ctx.onLeaseLost();
        return verdict;
      }
      ctx.logger.error("result upload failed", { run_id: ctx.runId, path: file.path, error });
      if (verdict.kind === "complete") {
        const message = `could not upload result ${file.path}: ${String(error)}`;
        return { kind: "fail", failureKind: "system_error", message, exitCode: verdict.exitCode };
      }
    }
  }
  return verdict;
}

/**
 * Tells the server how the run ended. Transient failures are retried for a while; if the API
 * stays away the lease expires and the server's reaper settles the run as `lost`.
 */
export async function reportVerdict(ctx: ReportContext, verdict: RunVerdict): Promise<RunOutcome | null> {
  try {
    return await withRetry(
      () =>
        verdict.kind === "complete"
          ? ctx.api.complete(ctx.runId, verdict.exitCode, ctx.signal)
          : ctx.api.fail(
              ctx.runId,
              {
                failure_kind: verdict.failureKind,
                message: verdict.message.slice(0, 10_000),
                exit_code: clampExitCode(verdict.exitCode),
              },
              ctx.signal,
            ),
      retryOptions(ctx, 8),
    );
  } catch (error) {
    if (isLeaseLost(error)) ctx.onLeaseLost();
    else ctx.logger.error("could not report the run's outcome", { run_id: ctx.runId, error });
    return null;
  }
}

function clampExitCode(code: number | null): number | null {
  return code === null ? null : Math.max(-255, Math.min(255, code));
}
