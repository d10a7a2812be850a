-- Why: a worker that dies stops heartbeating; its lease expires and this function requeues the
-- job (a lost run costs no attempt, up to internal.max_lost_runs) or fails it as `lost`. It also
-- enforces job timeouts server-side for workers that keep heartbeating past them. Called by
-- pg_cron every minute where pg_cron exists, and by every scale tick, so it works without it.
create function public.reap_expired_leases(p_timeout_grace_seconds integer default 120)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  r record;
  reaped integer := 0;
begin
  for r in
    select id from public.runs
    where status = 'in_progress' and lease_expires_at < now()
    order by lease_expires_at
    for update skip locked
  loop
    perform internal.settle_failed_run(r.id, 'lost', 'lease expired: the worker stopped heartbeating', null, 'lost');
    reaped := reaped + 1;
  end loop;
  for r in
    select runs.id from public.runs join public.jobs on jobs.id = runs.job_id
    where runs.status = 'in_progress'
      and runs.started_at + make_interval(secs => jobs.timeout_seconds + p_timeout_grace_seconds) < now()
    for update of runs skip locked
  loop
    perform internal.settle_failed_run(r.id, 'timeout', 'the job ran past its timeout', null, 'failed');
    reaped := reaped + 1;
  end loop;
  return reaped;
end;
$$;
revoke all on function public.reap_expired_leases from public, anon, authenticated;
grant execute on function public.reap_expired_leases to service_role;
