-- Why: users change a job's fate only through these functions. Cancel works on pending and
-- running jobs (the running run is settled at once as canceled; the worker learns it on its next
-- heartbeat or fenced write and kills the process) and refuses terminal jobs — the original let
-- a completed job become canceled. Restart puts a settled job back in the queue with fresh counters.
-- security definer: members have no UPDATE on jobs; membership is checked here. Jobs of other
-- organizations look like missing jobs (no existence leak).
create function internal.member_job_for_update(p_job_id text) returns public.jobs
language plpgsql set search_path = ''
as $$
declare
  j public.jobs;
begin
  select * into j from public.jobs where id = p_job_id for update;
  if not found or not internal.is_member(j.organization_id) then
    raise exception 'job % not found', p_job_id using errcode = 'OWNFD';
  end if;
  return j;
end;
$$;

create function public.cancel_job(p_job_id text) returns public.jobs
language plpgsql security definer set search_path = ''
as $$
declare
  j public.jobs := internal.member_job_for_update(p_job_id);
begin
  if j.status in ('completed', 'failed', 'canceled') then
    raise exception 'job % is already %', p_job_id, j.status using errcode = 'OWNCN';
  end if;
  update public.runs set status = 'canceled', failure_kind = 'canceled', failure_message = 'canceled by a user',
      finished_at = now()
    where job_id = j.id and status = 'in_progress';
  update public.jobs set status = 'canceled', failure_kind = 'canceled', failure_message = 'canceled by a user',
      worker_id = null, finished_at = now()
    where id = j.id returning * into j;
  return j;
end;
$$;

create function public.restart_job(p_job_id text) returns public.jobs
language plpgsql security definer set search_path = ''
as $$
declare
  j public.jobs := internal.member_job_for_update(p_job_id);
begin
  if j.status = 'in_progress' then
    raise exception 'job % is running; cancel it before restarting', p_job_id using errcode = 'OWCON';
  elsif j.status = 'pending' then
    return j;
  end if;
  update public.jobs set status = 'pending', counted_failures = 0, lost_runs = 0, outputs = null,
      failure_kind = null, failure_message = null, worker_id = null, started_at = null, finished_at = null
    where id = j.id returning * into j;
  return j;
end;
$$;
revoke all on function public.cancel_job, public.restart_job from public, anon;
grant execute on function public.cancel_job, public.restart_job to authenticated, service_role;
