// A batch (its openai.batches row + the inference job behind it) as OpenAI's Batch object.
// Statuses: pending → validating (waiting for a worker), in_progress → in_progress, completed →
// finalizing until the output files are assembled, then completed; failed → failed; canceled →
// cancelled (cancel_job ends a job at once, so `cancelling` is never seen).
import type { Batch, BatchStatus } from "../../_shared/contract/openai/batches.ts";
import { unix, unixOrNull } from "../context.ts";

export const BATCH_COLUMNS = `b.id, b.organization_id, b.input_file_id, b.endpoint, b.completion_window, b.metadata,
  b.model, b.request_total, b.output_file_id, b.error_file_id, b.request_completed, b.request_failed, b.created_at,
  j.status, j.started_at, j.finished_at, j.failure_kind, j.failure_message`;

export function batchStatus(row: Record<string, unknown>): BatchStatus {
  switch (row.status) {
    case "pending":
      return "validating";
    case "in_progress":
      return "in_progress";
    case "completed":
      return row.request_completed === null ? "finalizing" : "completed";
    case "failed":
      return "failed";
    default:
      return "cancelled";
  }
}

export function batchToOpenAI(row: Record<string, unknown>): Batch {
  const status = batchStatus(row);
  const finished = unixOrNull(row.finished_at);
  const created = unix(row.created_at);
  return {
    id: String(row.id),
    object: "batch",
    endpoint: String(row.endpoint),
    model: String(row.model),
    errors:
      status === "failed"
        ? {
            object: "list",
            data: [
              {
                code: String(row.failure_kind ?? "failed"),
                message: String(row.failure_message ?? "the inference job failed"),
                param: null,
                line: null,
              },
            ],
          }
        : null,
    input_file_id: String(row.input_file_id),
    completion_window: String(row.completion_window),
    status,
    output_file_id: (row.output_file_id as string | null) ?? null,
    error_file_id: (row.error_file_id as string | null) ?? null,
    created_at: created,
    in_progress_at: unixOrNull(row.started_at),
    expires_at: created + 24 * 3600,
    finalizing_at: row.status === "completed" ? finished : null,
    completed_at: status === "completed" ? finished : null,
    failed_at: status === "failed" ? finished : null,
    expired_at: null,
    cancelling_at: status === "cancelled" ? finished : null,
    cancelled_at: status === "cancelled" ? finished : null,
    request_counts: {
      total: Number(row.request_total),
      completed: Number(row.request_completed ?? 0),
      failed: Number(row.request_failed ?? 0),
    },
    metadata: (row.metadata as Record<string, string> | null) ?? null,
  };
}
