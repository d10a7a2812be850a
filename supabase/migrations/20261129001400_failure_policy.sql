-- Why: one exhaustive mapping from failure kind to (does it use an attempt, may it retry, final
-- status). A vanished or preempted worker must not cost the user an attempt the way a crash in
-- their code does; lost runs are capped separately (internal.max_lost_runs) so a job that kills
-- its own pod cannot requeue forever. Mirrored for clients in contract/failure-policy.ts.
create function internal.failure_decision(kind public.failure_kind,
  out counts_attempt boolean, out may_retry boolean, out final_status public.job_status)
language sql immutable set search_path = ''
as $$
  select d.counts_attempt, d.may_retry, d.final_status
  from (values
    ('user_error'::public.failure_kind, true, true, 'failed'::public.job_status),
    ('oom', true, true, 'failed'),
    ('timeout', true, false, 'failed'),
    ('canceled', false, false, 'canceled'),
    ('lost', false, true, 'failed'),
    ('preempted', false, true, 'failed'),
    ('system_error', false, true, 'failed'),
    ('no_capacity', false, false, 'failed')
  ) as d(kind, counts_attempt, may_retry, final_status)
  where d.kind = failure_decision.kind
$$;

create function internal.max_lost_runs() returns integer
language sql immutable set search_path = ''
as $$ select 5 $$;

/** Merge of a run's event data in sequence order: later non-null values win. */
-- plpgsql so its plan is cached per session; a `language sql` function with a FROM clause is
-- planned again on every call (it runs in every completion).
create function internal.run_outputs(p_run_id uuid) returns jsonb
language plpgsql stable set search_path = ''
as $$
begin
  return (
    select coalesce(jsonb_object_agg(f.key, f.value), '{}'::jsonb)
    from (
      select distinct on (kv.key) kv.key, kv.value
      from public.events e, jsonb_each(e.data) kv
      where e.run_id = p_run_id and kv.value <> 'null'::jsonb
      order by kv.key, e.seq desc
    ) f
  );
end;
$$;

/**
 * Settles a run that ended badly and decides the job's fate. Caller has already fenced and
 * locked the run (status in_progress → p_run_status). Returns the job's new status.
 */
create function internal.settle_failed_run(p_run_id uuid, p_kind public.failure_kind, p_message text,
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
