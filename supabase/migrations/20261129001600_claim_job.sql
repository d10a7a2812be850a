-- Why: claiming is one statement: pick the best matching pending job with FOR UPDATE SKIP LOCKED
-- (concurrent claimers never wait on or double-claim a row), mark it in progress and create its
-- run with a lease — all or nothing. Matching: same organization and image; allowed_hardware (when
-- given, the user's explicit choice) must list the worker's hardware, otherwise the worker's VRAM
-- must cover requires_vram_gb. Order: priority, then jobs whose model the worker has cached, then age.
-- The worker id comes from the caller's verified claims, never from an argument.
create function public.claim_job(p_lease_seconds integer default 60)
returns setof public.runs
language plpgsql security definer set search_path = ''
as $$
declare
  me text := internal.worker_id();
begin
  if me is null then
    raise exception 'only worker tokens can claim jobs' using errcode = 'OWFRB';
  end if;
  if p_lease_seconds not between 5 and 3600 then
    raise exception 'lease must be between 5 and 3600 seconds' using errcode = 'OWVAL';
  end if;
  return query
  with w as (
    select * from public.workers
    where id = me and organization_id = internal.claim_org()
      and status in ('starting', 'active') and not shutdown_requested
  ),
  picked as (
    select j.id from public.jobs j, w
    where j.status = 'pending' and j.organization_id = w.organization_id and j.image = w.image
      and (case when j.allowed_hardware is not null then w.hardware_type = any (j.allowed_hardware)
                else j.requires_vram_gb <= w.vram_gb end)
    order by j.priority desc, (j.model is not null and j.model = any (w.cached_models)) desc, j.created_at, j.id
    limit 1
    for update of j skip locked
  ),
  claimed as (
    update public.jobs j set status = 'in_progress', attempts = j.attempts + 1, worker_id = me,
        started_at = coalesce(j.started_at, now())
      from picked where j.id = picked.id
      returning j.id, j.organization_id, j.attempts
  ),
  touched as (
    update public.workers set status = 'active', last_active_at = now() where id = me
  )
  insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
    select c.id, c.organization_id, me, c.attempts, now() + make_interval(secs => p_lease_seconds) from claimed c
    returning *;
end;
$$;
revoke all on function public.claim_job from public, anon;
grant execute on function public.claim_job to authenticated, service_role;
