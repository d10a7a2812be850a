-- Why: a job's life is owned by SQL (claim, lease, complete, reap); a worker's was not. The scaler
-- (supabase/functions/scale/apply.ts) wrote worker rows, tokens, cooldowns and waiting reasons with
-- its own UPDATE statements, so the rules of a worker's life — a worker is told to leave only while
-- it runs nothing (the shutdown fence), ending a worker revokes its tokens, the cooldown ladder —
-- lived in TypeScript, where no database test could hold them. These functions are those writes;
-- apply.ts now only drives the provider and calls them. pgTAP: supabase/tests/worker_life.sql.
--
-- All run as the scaler's role (service_role, through asService); security invoker, because that
-- role already holds the table privileges these writes need. No API role may call them.

-- The ladder's level counts cooldowns already taken (0 = none yet), as the scaler's policy and
-- simulator count it (scaling/cooldown.ts). The column's CHECK said >= 1 and the applier wrote
-- max(1, level), so with a failure threshold above 1 the first cooldown took the second rung.
alter table public.hardware_cooldowns drop constraint level_positive;
alter table public.hardware_cooldowns add constraint level_nonnegative check (level >= 0);
alter table public.hardware_cooldowns alter column level set default 0;

/** A worker row (status starting) and its own worker token, in one transaction; returns the token. */
create function internal.create_scaled_worker(p_worker_id text, p_org uuid, p_provider public.provider_name,
  p_image text, p_hardware_type text, p_gpu_type text, p_gpu_count integer, p_vram_gb integer,
  p_cost_per_hour numeric)
returns text
language plpgsql set search_path = ''
as $$
declare
  minted text;
begin
  insert into public.workers (id, organization_id, status, provider, image, hardware_type, gpu_type, gpu_count, vram_gb, cost_per_hour)
    values (p_worker_id, p_org, 'starting', p_provider, p_image, p_hardware_type, p_gpu_type, p_gpu_count, p_vram_gb, p_cost_per_hour);
  select t.token into minted from internal.mint_worker_token(p_org, p_worker_id) t;
  return minted;
end;
$$;

/**
 * The provider created the worker's pod on `p_gpu` (maybe a fallback of the planned hardware):
 * remember the pod and what it runs on, and reset that GPU's cooldown ladder for the organization.
 * False when the worker has already ended (then nothing changes).
 */
create function internal.worker_pod_created(p_worker_id text, p_pod_id text, p_gpu text, p_hardware_type text,
  p_gpu_type text, p_gpu_count integer, p_cost_per_hour numeric)
returns boolean
language plpgsql set search_path = ''
as $$
declare
  org uuid;
begin
  update public.workers w set pod_id = p_pod_id, hardware_type = p_hardware_type, gpu_type = p_gpu_type,
      gpu_count = p_gpu_count, cost_per_hour = p_cost_per_hour
    where w.id = p_worker_id and w.status not in ('terminated', 'lost')
    returning w.organization_id into org;
  if org is null then
    return false;
  end if;
  delete from public.hardware_cooldowns c where c.organization_id = org and c.gpu = p_gpu;
  return true;
end;
$$;

/**
 * The shutdown fence: a live worker is told to leave only while no run of it is in progress (it may
 * have claimed a job since the scaler's snapshot). True when it was told (or already had been);
 * false means it is busy again or gone, and its pod must not be killed.
 */
create function internal.request_worker_shutdown(p_worker_id text, p_reason text)
returns boolean
language sql set search_path = ''
as $$
  with told as (
    update public.workers w set shutdown_requested = true, shutdown_reason = left(p_reason, 1000),
        shutdown_requested_at = coalesce(w.shutdown_requested_at, now()), status = 'shutdown'
      where w.id = p_worker_id and w.status in ('starting', 'active', 'shutdown')
        and not exists (select from public.runs r where r.worker_id = p_worker_id and r.status = 'in_progress')
      returning w.id
  )
  select exists (select from told)
$$;

/**
 * Ends a worker (terminated or lost) and revokes its tokens, so nothing of it can renew a lease or
 * complete a run afterwards. Its in-progress runs are left to the lease reaper. The first reason
 * given is kept. False when it had already ended (its tokens are revoked all the same).
 */
create function internal.end_worker(p_worker_id text, p_status public.worker_status, p_reason text)
returns boolean
language plpgsql set search_path = ''
as $$
declare
  ended boolean;
begin
  if p_status not in ('terminated', 'lost') then
    raise exception 'end_worker: % is not an end state', p_status using errcode = 'OWVAL';
  end if;
  update public.workers w set status = p_status, terminated_at = coalesce(w.terminated_at, now()),
      shutdown_reason = coalesce(w.shutdown_reason, left(p_reason, 1000))
    where w.id = p_worker_id and w.status not in ('terminated', 'lost');
  ended := found;
  update public.api_tokens t set revoked_at = now() where t.worker_id = p_worker_id and t.revoked_at is null;
  return ended;
end;
$$;

/**
 * One more failed start of `p_gpu` for the organization, classified by the scaler (the provider's
 * answer is only text; scaling/cooldown.ts classifyProvisioningFailure):
 * - spending_limit pauses all provisioning of the organization for p_pause_seconds;
 * - rate_limited changes nothing (not the GPU's fault);
 * - any other kind counts a failure; at p_threshold consecutive failures the GPU cools down for the
 *   current rung of p_ladder_seconds (the last rung repeats) and the level goes up one. The counter
 *   starts afresh once a cooldown has expired; the level resets only on success
 *   (internal.worker_pod_created deletes the row).
 * `p_now` is the scaler tick's clock (its tests replay time). The ladder's parameters are the
 * deployment's scaling config (OW_SCALING_CONFIG). Returns the row's state afterwards.
 */
create function internal.record_provisioning_failure(p_org uuid, p_gpu text, p_kind text, p_message text,
  p_now timestamptz, p_ladder_seconds double precision[], p_threshold integer, p_pause_seconds double precision,
  out scope text, out level integer, out failures integer, out until timestamptz)
language plpgsql set search_path = ''
as $$
declare
  prev public.hardware_cooldowns;
  expired boolean;
  rung integer;
begin
  if p_kind not in ('no_capacity', 'startup_timeout', 'not_accessible', 'provider_error', 'rate_limited', 'spending_limit') then
    raise exception 'record_provisioning_failure: unknown kind %', p_kind using errcode = 'OWVAL';
  end if;
  if cardinality(p_ladder_seconds) is null or p_threshold < 1 then
    raise exception 'record_provisioning_failure: the ladder needs a rung and a threshold >= 1' using errcode = 'OWVAL';
  end if;
  if p_kind = 'spending_limit' then
    update public.organization_limits l set provisioning_paused_until = p_now + make_interval(secs => p_pause_seconds)
      where l.organization_id = p_org;
    scope := 'organization';
    until := p_now + make_interval(secs => p_pause_seconds);
    return;
  end if;
  if p_kind = 'rate_limited' then
    scope := 'none';
    return;
  end if;
  select * into prev from public.hardware_cooldowns c where c.organization_id = p_org and c.gpu = p_gpu for update;
  scope := 'hardware';
  level := coalesce(prev.level, 0);
  expired := prev.until is not null and prev.until <= p_now;
  failures := (case when expired then 0 else coalesce(prev.failures, 0) end) + 1;
  if failures >= p_threshold then
    rung := least(level, cardinality(p_ladder_seconds) - 1) + 1;
    until := p_now + make_interval(secs => p_ladder_seconds[rung]);
    level := level + 1;
    failures := 0;
  else
    until := case when prev.until > p_now then prev.until end;
  end if;
  insert into public.hardware_cooldowns as c (organization_id, gpu, level, failures, until, last_error)
    values (p_org, p_gpu, record_provisioning_failure.level, record_provisioning_failure.failures,
            record_provisioning_failure.until, left(p_message, 1000))
    on conflict (organization_id, gpu) do update set level = excluded.level, failures = excluded.failures,
      until = excluded.until, last_error = excluded.last_error, updated_at = now();
end;
$$;

/** Tells the owners of these pending jobs why they wait; a row is written only when its text changes. */
create function internal.note_waiting(p_job_ids text[], p_reason text)
returns integer
language sql set search_path = ''
as $$
  with noted as (
    update public.jobs j set waiting_reason = left(p_reason, 500)
      where j.id = any (p_job_ids) and j.status = 'pending' and j.waiting_reason is distinct from left(p_reason, 500)
      returning 1
  )
  select count(*)::integer from noted
$$;

revoke all on function internal.create_scaled_worker, internal.worker_pod_created, internal.request_worker_shutdown,
  internal.end_worker, internal.record_provisioning_failure, internal.note_waiting from public, anon, authenticated;
grant execute on function internal.create_scaled_worker, internal.worker_pod_created, internal.request_worker_shutdown,
  internal.end_worker, internal.record_provisioning_failure, internal.note_waiting to service_role;
