-- Why: issue 11 saw a job stay `in_progress` after its process exited. The cause was in the worker
-- (a run waiting on its log pump, worker/src/run/output-pump.ts), and every SQL path keeps "a job
-- in_progress has exactly one in-progress run" (claim_job makes both in one statement; complete,
-- fail, reap, cancel and the worker settlements end both). The reaper only looks at runs, though,
-- so a job left in_progress without a live run by any future path would wait forever: nothing
-- would ever look at it again. The reaper now also requeues such a job, as a lost run (no attempt
-- counted). Cheap: the not-exists probes runs_one_in_progress_per_job.
--
-- The grace keeps it off a job claimed after this statement's snapshot was taken: SKIP LOCKED
-- rechecks a row a concurrent claim just committed, and that recheck cannot see the new run, but
-- the claim also set the job's updated_at to now, which fails the grace.
create function internal.requeue_runless_jobs(p_grace interval default interval '1 minute')
returns integer
language plpgsql set search_path = ''
as $$
declare
  requeued integer;
begin
  with stranded as (
    select j.id from public.jobs j
    where j.status = 'in_progress' and j.updated_at <= now() - p_grace
      and not exists (select from public.runs r where r.job_id = j.id and r.status = 'in_progress')
    for no key update skip locked
  ), changed as (
    update public.jobs j set status = 'pending', worker_id = null, lost_runs = j.lost_runs + 1
    from stranded s where j.id = s.id
    returning 1
  )
  select count(*) into requeued from changed;
  return requeued;
end;
$$;
revoke all on function internal.requeue_runless_jobs from public, anon, authenticated, service_role;

-- The run reaper keeps its body (20261203110300_one_lock_order.sql) under a new name; the public
-- name, which pg_cron and the scale tick call, now runs both.
alter function public.reap_expired_leases(integer) rename to reap_expired_runs;
alter function public.reap_expired_runs(integer) set schema internal;
revoke all on function internal.reap_expired_runs from public, anon, authenticated, service_role;

-- security definer as before (20261129001800_reap_expired_leases.sql): the service role calls it and
-- has no grants on the internal functions it runs.
/** Settles runs whose lease expired or that ran past their timeout, then jobs left without a live run. */
create function public.reap_expired_leases(p_timeout_grace_seconds integer default 120)
returns integer
language plpgsql security definer set search_path = ''
as $$
begin
  return internal.reap_expired_runs(p_timeout_grace_seconds) + internal.requeue_runless_jobs();
end;
$$;
revoke all on function public.reap_expired_leases from public, anon, authenticated;
grant execute on function public.reap_expired_leases to service_role;
