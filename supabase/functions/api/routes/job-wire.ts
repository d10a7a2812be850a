// The api's row mappers for jobs and what they did: each answer is a contract type.
import { Event, Job, LogChunk, MetricSeries, Run } from "../../_shared/contract/jobs.ts";
import { type Row, rowMapper } from "../../_shared/db/row-mapper.ts";

export const JOB_COLUMNS = `id, organization_id, type, status, image, entrypoint, params, mounts, requires_vram_gb,
  allowed_hardware, priority, timeout_seconds, max_attempts, attempts, secrets, model, outputs, failure_kind,
  failure_message, waiting_reason, worker_id, created_at, updated_at, started_at, finished_at`;

export const RUN_COLUMNS = `id, job_id, worker_id, attempt, status, lease_expires_at, exit_code, failure_kind,
  failure_message, started_at, finished_at`;

const asJob = rowMapper(Job);

export function jobToWire(row: Row): Job {
  const job = asJob(row);
  // The scaler's note only means something while the job waits.
  return { ...job, waiting_reason: job.status === "pending" ? (job.waiting_reason ?? null) : null };
}

export const runToWire = rowMapper(Run);
export const eventToWire = rowMapper(Event);
export const logChunkToWire = rowMapper(LogChunk);
export const metricSeriesToWire = rowMapper(MetricSeries);
