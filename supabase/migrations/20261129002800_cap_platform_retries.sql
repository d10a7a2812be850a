-- Why: only lost runs were capped among the failures that cost no attempt, so a job whose runs
-- kept ending in system_error (seen: a result upload refused every time) was retried forever.
-- Every retryable failure that is not the job's fault now counts toward internal.max_lost_runs.
/**
 * Settles a run that ended badly and decides the job's fate. Caller has already fenced and
 * locked the run (status in_progress → p_run_status). Returns the job's new status.
 */
create or replace function internal.settle_failed_run(p_run_id uuid, p_kind public.failure_kind, p_message text,
  p_exit_code integer, p_run_status public.run_status, out job_status public.job_status, out will_retry boolean)
language plpgsql set search_path = ''
as $$
declare
  d record;
  r public.runs;
  j public.jobs;
  platform_fault boolean;
begin
  select * into d from internal.failure_decision(p_kind);
  -- Retried without costing an attempt (lost, preempted, system_error): capped by max_lost_runs.
  platform_fault := d.may_retry and not d.counts_attempt;
  update public.runs set status = p_run_status, failure_kind = p_kind, failure_message = left(p_message, 10000),
      exit_code = p_exit_code, finished_at = now()
    where id = p_run_id returning * into r;
  select * into j from public.jobs where id = r.job_id for update;
  if j.status <> 'in_progress' then
    -- Canceled (or otherwise settled) while the run was going: the job keeps its status.
    job_status := j.status;
    will_retry := false;
    return;
  end if;
  will_retry := d.may_retry
    and j.counted_failures + (case when d.counts_attempt then 1 else 0 end) < j.max_attempts
    and j.lost_runs + (case when platform_fault then 1 else 0 end) < internal.max_lost_runs();
  update public.jobs set
      counted_failures = counted_failures + (case when d.counts_attempt then 1 else 0 end),
      lost_runs = lost_runs + (case when platform_fault then 1 else 0 end),
      status = case when will_retry then 'pending'::public.job_status else d.final_status end,
      worker_id = null,
      failure_kind = case when will_retry then null else p_kind end,
      failure_message = case when will_retry then null else left(p_message, 10000) end,
      finished_at = case when will_retry then null else now() end,
      outputs = case when will_retry then outputs else internal.run_outputs(p_run_id) end
    where id = j.id
    returning status into job_status;
  update public.workers set last_active_at = now() where id = r.worker_id;
end;
$$;
