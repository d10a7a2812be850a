-- Why: claiming must be atomic and cheap at any queue length. The worker row is read first (its id
-- and organization come from the caller's verified claims, never from an argument); then the best
-- matching pending job is taken straight off jobs_claim_idx in (priority, age) order with FOR
-- UPDATE SKIP LOCKED, so concurrent claimers never wait on or double-claim a row; a second, indexed
-- look at the same priority prefers a job whose model the worker has cached. The job turns
-- in_progress and its run is created with a lease in the same transaction. Matching: same
-- organization and image; allowed_hardware (when given, the user's explicit choice) must list the
-- worker's hardware, otherwise the worker's VRAM must cover requires_vram_gb. A claim that finds
-- nothing writes nothing (pgTAP: an idle poll must not look like activity or revive a stopped
-- worker). bench:claim: a first version that ordered by the cached-model expression sorted every
-- pending job per claim (11.6 ms at 20,000 pending); this one does not depend on queue length.
create index jobs_claim_cached_model_idx on public.jobs (organization_id, image, priority, model, created_at, id)
  where status = 'pending' and model is not null;

-- enable_seqscan = off: see 20261129001700_run_lifecycle.sql (a generic plan cached while a table was
-- small must not become a sequential scan).
create function public.claim_job(p_lease_seconds integer default 60)
returns setof public.runs
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  me text := internal.worker_id();
  org uuid := internal.claim_org();
  w record;
  best record;
  chosen text;
begin
  if me is null then
    raise exception 'only worker tokens can claim jobs' using errcode = 'OWFRB';
  end if;
  if p_lease_seconds not between 5 and 3600 then
    raise exception 'lease must be between 5 and 3600 seconds' using errcode = 'OWVAL';
  end if;
  select id, organization_id, image, hardware_type, vram_gb, cached_models into w
    from public.workers
    where id = me and organization_id = org and status in ('starting', 'active') and not shutdown_requested;
  if not found then
    return;
  end if;

  select j.id, j.priority into best from public.jobs j
    where j.status = 'pending' and j.organization_id = w.organization_id and j.image = w.image
      and (case when j.allowed_hardware is not null then w.hardware_type = any (j.allowed_hardware)
                else j.requires_vram_gb <= w.vram_gb end)
    order by j.priority desc, j.created_at, j.id
    limit 1
    for update skip locked;
  if not found then
    return;
  end if;
  chosen := best.id;

  if cardinality(w.cached_models) > 0 then
    select j.id into chosen from public.jobs j
      where j.status = 'pending' and j.organization_id = w.organization_id and j.image = w.image
        and j.priority = best.priority and j.model = any (w.cached_models)
        and (case when j.allowed_hardware is not null then w.hardware_type = any (j.allowed_hardware)
                  else j.requires_vram_gb <= w.vram_gb end)
      order by j.created_at, j.id
      limit 1
      for update skip locked;
    chosen := coalesce(chosen, best.id);
  end if;

  update public.workers set status = 'active', last_active_at = now() where id = me;
  return query
  with claimed as (
    update public.jobs j set status = 'in_progress', attempts = j.attempts + 1, worker_id = me, waiting_reason = null,
        started_at = coalesce(j.started_at, now())
      where j.id = chosen
      returning j.id, j.organization_id, j.attempts
  )
  insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
    select c.id, c.organization_id, me, c.attempts, now() + make_interval(secs => p_lease_seconds) from claimed c
    returning *;
end;
$$;
revoke all on function public.claim_job from public, anon;
grant execute on function public.claim_job to authenticated, service_role;
