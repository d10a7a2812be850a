-- Why: a worker registers what it really has (the scaler only guessed), and a worker that comes
-- back after a crash or restart reports under the same id: whatever it still held is requeued
-- (as lost: the user's code did not fail). Stopping revokes the worker's token, so a terminated
-- pod can do nothing more. All keyed by the worker id in the caller's verified claims.
create function public.register_worker(p_image text, p_provider public.provider_name default 'local',
  p_pod_id text default null, p_hardware_type text default null, p_gpu_type text default null,
  p_gpu_count integer default 0, p_vram_gb integer default 0, p_cached_models text[] default '{}')
returns jsonb
language plpgsql security definer set search_path = ''
as $$
declare
  me text := internal.worker_id();
  org uuid := internal.claim_org();
  w public.workers;
  requeued uuid[];
begin
  if me is null or org is null then
    raise exception 'only worker tokens can register' using errcode = 'OWFRB';
  end if;
  insert into public.workers as x (id, organization_id, status, provider, pod_id, image, hardware_type, gpu_type,
      gpu_count, vram_gb, cached_models, last_heartbeat_at)
    values (me, org, 'active', p_provider, p_pod_id, p_image, p_hardware_type, p_gpu_type, p_gpu_count, p_vram_gb,
      coalesce(p_cached_models, '{}'), now())
    on conflict (id) do update set status = 'active', provider = excluded.provider,
      pod_id = coalesce(excluded.pod_id, x.pod_id), image = excluded.image,
      hardware_type = coalesce(excluded.hardware_type, x.hardware_type), gpu_type = excluded.gpu_type,
      gpu_count = excluded.gpu_count, vram_gb = excluded.vram_gb, cached_models = excluded.cached_models,
      last_heartbeat_at = now(), last_active_at = now()
      where x.organization_id = org and x.status in ('starting', 'active')
    returning * into w;
  if w.id is null then
    raise exception 'worker % was terminated and cannot register again', me using errcode = 'OWFRB';
  end if;
  select coalesce(array_agg(r.id), '{}') into requeued from (
    select id from public.runs where worker_id = me and status = 'in_progress' for update
  ) r;
  perform internal.settle_failed_run(id, 'lost', 'the worker restarted while running this job', null, 'lost')
    from unnest(requeued) as id;
  return jsonb_build_object('worker_id', w.id, 'organization_id', w.organization_id, 'requeued_run_ids', to_jsonb(requeued));
end;
$$;

create function public.stop_worker(p_reason text default '') returns void
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

/** An admin asks a worker to leave; it stops claiming and exits after its current job. */
create function public.request_worker_shutdown(p_worker_id text, p_reason text default 'requested by an admin')
returns public.workers
language plpgsql security definer set search_path = ''
as $$
declare
  w public.workers;
begin
  select * into w from public.workers where id = p_worker_id for update;
  if not found or not internal.is_member(w.organization_id) then
    raise exception 'worker % not found', p_worker_id using errcode = 'OWNFD';
  end if;
  perform internal.require_member(w.organization_id, true);
  update public.workers set shutdown_requested = true, shutdown_reason = p_reason,
      shutdown_requested_at = coalesce(shutdown_requested_at, now()),
      status = case when status in ('starting', 'active') then 'shutdown'::public.worker_status else status end
    where id = w.id returning * into w;
  return w;
end;
$$;
revoke all on function public.register_worker, public.stop_worker, public.request_worker_shutdown from public, anon;
grant execute on function public.register_worker, public.stop_worker, public.request_worker_shutdown to authenticated, service_role;
