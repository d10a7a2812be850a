-- Why: the pgTAP suite found three ways a worker could touch more than it leased:
-- claim_job marked the worker active (and busy) even when it claimed nothing — which also
-- revived a stopped worker and broke terminated_iff_ended; claim_job and stop_worker matched the
-- worker id without its organization, so a worker token of A naming B's worker id could touch B's
-- row, runs and tokens. Both now act only on a claimed job and only within the caller's organization.
create or replace function public.claim_job(p_lease_seconds integer default 60)
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
    update public.workers w set status = 'active', last_active_at = now()
    from claimed
    where w.id = me and w.organization_id = claimed.organization_id
  )
  insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
    select c.id, c.organization_id, me, c.attempts, now() + make_interval(secs => p_lease_seconds) from claimed c
    returning *;
end;
$$;

create or replace function public.stop_worker(p_reason text default '') returns void
language plpgsql security definer set search_path = ''
as $$
declare
  me text := internal.worker_id();
begin
  if me is null then
    raise exception 'only worker tokens can stop themselves' using errcode = 'OWFRB';
  end if;
  perform internal.settle_failed_run(r.id, 'preempted', 'the worker stopped: ' || coalesce(p_reason, ''), null, 'failed')
    from (select id from public.runs where worker_id = me and organization_id = internal.claim_org()
          and status = 'in_progress' for update) r;
  update public.workers set status = 'terminated', terminated_at = now(), shutdown_reason = coalesce(shutdown_reason, p_reason)
    where id = me and organization_id = internal.claim_org() and status not in ('terminated', 'lost');
  update public.api_tokens set revoked_at = now()
    where worker_id = me and organization_id = internal.claim_org() and revoked_at is null;
end;
$$;

