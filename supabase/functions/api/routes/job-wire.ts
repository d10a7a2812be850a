import { toWire } from "../../_shared/db/session.ts";

export const JOB_COLUMNS = `id, organization_id, type, status, image, entrypoint, params, mounts, requires_vram_gb,
  allowed_hardware, priority, timeout_seconds, max_attempts, attempts, secrets, model, outputs, failure_kind,
  failure_message, waiting_reason, worker_id, created_at, updated_at, started_at, finished_at`;

export const RUN_COLUMNS = `id, job_id, worker_id, attempt, status, lease_expires_at, exit_code, failure_kind,
  failure_message, started_at, finished_at`;

export function jobToWire(row: Record<string, unknown>) {
  const { counted_failures: _c, lost_runs: _l, ...rest } = toWire(row);
  // The scaler's note only means something while the job waits.
  return {
    ...rest,
    waiting_reason: rest.status === "pending" ? (rest.waiting_reason ?? null) : null,
    object: "job",
  };
}
