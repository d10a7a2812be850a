// Submits a parsed job through public.submit_job (insert-or-return by content id) and tells, in
// the same statement, whether an idle worker of the organization already fits it: then its claim
// long-poll takes the job at once and the scaler need not be woken. Used by the api and openai.
// "Fits" is internal.job_fits_worker, the rule claim_job applies (migration 20261204020000).
import type { ParsedJobSubmission } from "../contract/jobs.ts";
import type { Tx } from "./session.ts";

export interface SubmitOutcome {
  job: Record<string, unknown>;
  created: boolean;
  reset: boolean;
  idle_capacity: boolean;
}

export async function submitJob(tx: Tx, s: ParsedJobSubmission): Promise<SubmitOutcome> {
  const [r] = await tx`select to_jsonb(s.job) as job, s.created, s.reset, exists (
      select from public.workers w
      where w.organization_id = (s.job).organization_id and w.image = (s.job).image and w.status = 'active'
        and not w.shutdown_requested
        and internal.job_fits_worker((s.job).allowed_hardware, (s.job).requires_vram_gb, w.hardware_type, w.vram_gb)
        and not exists (select from public.runs r where r.worker_id = w.id and r.status = 'in_progress')
    ) as idle_capacity
    from public.submit_job(
    p_type => ${s.type}, p_image => ${s.image}, p_entrypoint => ${s.entrypoint}::text[], p_params => ${tx.json(s.params as never)},
    p_mounts => ${tx.json(s.mounts)}, p_requires_vram_gb => ${s.requires_vram_gb}, p_allowed_hardware => ${s.allowed_hardware}::text[],
    p_priority => ${s.priority}, p_timeout_seconds => ${s.timeout_seconds}, p_max_attempts => ${s.max_attempts},
    p_secrets => ${s.secrets}::text[], p_model => ${s.model}, p_id_suffix => ${s.id_suffix}, p_force => ${s.force}) s`;
  return r as SubmitOutcome;
}

/** Whether the scaler should look at the queue after this submission. */
export function needsScaler(outcome: SubmitOutcome): boolean {
  return (outcome.created || outcome.reset) && !outcome.idle_capacity;
}
