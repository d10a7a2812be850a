-- Why: the worker's complete/fail locked run → job, while cancel_job (and the reaper, through
-- settle_failed_run, and register/stop_worker) locked job → run. Under a race PostgreSQL aborted one
-- side (40P01): the caller got a 500, and in 9 of 20 probe rounds the user's cancel was lost and the
-- job went back to pending (issue 11, item 4). One order now holds everywhere:
--
--     job  →  run  →  worker
--
-- * Jobs are locked FOR NO KEY UPDATE, never FOR UPDATE: appending a log or event inserts a row
--   whose foreign key takes KEY SHARE on the job while the append holds its run FOR SHARE; a FOR
--   UPDATE job lock would conflict with that and close a cycle (append: run → job, cancel: job → run).
-- * complete_run / fail_run lock the run's job before the run (job_id never changes, so reading it
--   unlocked first is safe).
-- * The reaper takes job and run with SKIP LOCKED: it never waits, so it can never be in a cycle; a
--   run it skips is reaped on the next tick.
-- * The heartbeat renews its runs (locked in id order) before it touches its worker row, as every
--   settlement does (settle_failed_run and complete_run update the worker last).
-- * register_worker and stop_worker settle the worker's runs (job → run) before they write the worker.
-- The races suite (tests/races) runs complete/fail/heartbeat against cancel/restart/reap for 1,000
-- rounds and requires zero 5xx and every cancel honoured.

/** Locks the job of a run (no wait order issue: the caller holds nothing yet). Returns the job id. */
create function internal.lock_job_of_run(p_run_id uuid) returns text
language plpgsql set search_path = ''
as $$
declare
  v_job text;
begin
  select r.job_id into v_job from public.runs r where r.id = p_run_id;
  if v_job is not null then
    perform from public.jobs j where j.id = v_job for no key update;
  end if;
  return v_job;
end;
$$;

create or replace function internal.member_job_for_update(p_job_id text) returns public.jobs
language plpgsql set search_path = ''
as $$
declare
  j public.jobs;
begin
  select * into j from public.jobs where id = p_job_id for no key update;
  if not found or not internal.is_member(j.organization_id) then
    raise exception 'job % not found', p_job_id using errcode = 'OWNFD';
  end if;
  return j;
end;
$$;

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
  -- Callers hold the job (then the run) already; this lock is a no-op for them and keeps the order
  -- for any caller that does not.
  perform internal.lock_job_of_run(p_run_id);
  update public.runs set status = p_run_status, failure_kind = p_kind, failure_message = left(p_message, 10000),
      exit_code = p_exit_code, finished_at = now()
    where id = p_run_id returning * into r;
  select * into j from public.jobs where id = r.job_id;
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

create or replace function public.complete_run(p_run_id uuid, p_exit_code integer default 0)
returns table (job_status public.job_status, will_retry boolean)
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  me text := internal.worker_id();
  done_job text;
  final public.job_status;
begin
  perform internal.lock_job_of_run(p_run_id);
  perform internal.leased_run(p_run_id);
  update public.runs r set status = 'completed', exit_code = p_exit_code, finished_at = now()
    where r.id = p_run_id
    returning r.job_id into done_job;
  -- A job canceled while its run was finishing keeps its status (the update matches nothing).
  update public.jobs j set status = 'completed', worker_id = null, finished_at = now(),
      outputs = internal.run_outputs(p_run_id)
    where j.id = done_job and j.status = 'in_progress'
    returning j.status into final;
  if final is null then
    select j.status into final from public.jobs j where j.id = done_job;
  end if;
  update public.workers set last_active_at = now() where id = me;
  return query select final, false;
end;
$$;

create or replace function public.fail_run(p_run_id uuid, p_kind public.failure_kind, p_message text default '',
  p_exit_code integer default null)
returns table (job_status public.job_status, will_retry boolean)
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  r public.runs;
begin
  perform internal.lock_job_of_run(p_run_id);
  r := internal.leased_run(p_run_id);
  return query select s.job_status, s.will_retry
    from internal.settle_failed_run(r.id, p_kind, coalesce(p_message, ''), p_exit_code,
      case when p_kind = 'canceled' then 'canceled'::public.run_status else 'failed'::public.run_status end) s;
end;
$$;

create or replace function public.worker_heartbeat(p_run_ids uuid[], p_lease_seconds integer default 60,
  p_cached_models text[] default null)
returns jsonb
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  me text := internal.worker_id();
  stop_now boolean;
  directives jsonb;
begin
  if me is null then
    raise exception 'only worker tokens can heartbeat' using errcode = 'OWFRB';
  end if;
  if p_lease_seconds not between 5 and 3600 then
    raise exception 'lease must be between 5 and 3600 seconds' using errcode = 'OWVAL';
  end if;
  -- Runs first, in id order; the worker row last (job → run → worker).
  perform from public.runs r
    where r.id = any (coalesce(p_run_ids, '{}')) and r.worker_id = me and r.status = 'in_progress'
    order by r.id for no key update;
  update public.runs r set lease_expires_at = now() + make_interval(secs => p_lease_seconds), last_heartbeat_at = now()
    where r.id = any (coalesce(p_run_ids, '{}')) and r.worker_id = me and r.status = 'in_progress';
  update public.workers w set last_heartbeat_at = now(), cached_models = coalesce(p_cached_models, w.cached_models)
    where w.id = me and w.organization_id = internal.claim_org()
    returning w.shutdown_requested or w.status in ('terminated', 'lost') into stop_now;
  if not found then
    raise exception 'worker % is not registered', me using errcode = 'OWNFD';
  end if;
  select coalesce(jsonb_agg(jsonb_build_object('run_id', ids.id, 'action',
      case when r.status = 'in_progress' and r.worker_id = me then 'continue'
           when r.status = 'canceled' and r.worker_id = me then 'cancel'
           else 'stop' end) order by ids.ord), '[]'::jsonb)
    into directives
    from unnest(coalesce(p_run_ids, '{}')) with ordinality as ids(id, ord)
    left join public.runs r on r.id = ids.id;
  return jsonb_build_object('shutdown', stop_now, 'runs', directives);
end;
$$;

create or replace function public.reap_expired_leases(p_timeout_grace_seconds integer default 120)
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  c record;
  reaped integer := 0;
begin
  for c in
    select r.id, r.job_id, false as timed_out from public.runs r
      where r.status = 'in_progress' and r.lease_expires_at < now()
    union all
    select r.id, r.job_id, true from public.runs r join public.jobs j on j.id = r.job_id
      where r.status = 'in_progress'
        and r.started_at + make_interval(secs => j.timeout_seconds + p_timeout_grace_seconds) < now()
  loop
    -- Job, then run, both SKIP LOCKED: the reaper never waits, so it is in no lock cycle. A run it
    -- skips (its worker or a user is settling it right now) is looked at again on the next tick.
    perform from public.jobs j where j.id = c.job_id for no key update skip locked;
    continue when not found;
    perform from public.runs r where r.id = c.id and r.status = 'in_progress' for update skip locked;
    continue when not found;
    if c.timed_out then
      perform internal.settle_failed_run(c.id, 'timeout', 'the job ran past its timeout', null, 'failed');
    else
      continue when (select r.lease_expires_at >= now() from public.runs r where r.id = c.id);
      perform internal.settle_failed_run(c.id, 'lost', 'lease expired: the worker stopped heartbeating', null, 'lost');
    end if;
    reaped := reaped + 1;
  end loop;
  return reaped;
end;
$$;

/** Settles every in-progress run of a worker, each job before its run. Returns the run ids. */
create function internal.settle_worker_runs(p_worker text, p_org uuid, p_kind public.failure_kind, p_message text,
  p_run_status public.run_status)
returns uuid[]
language plpgsql set search_path = ''
as $$
declare
  c record;
  settled uuid[] := '{}';
begin
  for c in
    select r.id, r.job_id from public.runs r
      where r.worker_id = p_worker and r.organization_id = p_org and r.status = 'in_progress'
      order by r.job_id
  loop
    perform from public.jobs j where j.id = c.job_id for no key update;
    perform from public.runs r where r.id = c.id and r.status = 'in_progress' for update;
    continue when not found;
    perform internal.settle_failed_run(c.id, p_kind, p_message, null, p_run_status);
    settled := settled || c.id;
  end loop;
  return settled;
end;
$$;

create or replace function public.register_worker(p_image text, p_provider public.provider_name default 'local',
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
  if exists (select from public.workers x where x.id = me and x.status not in ('starting', 'active')) then
    raise exception 'worker % was terminated and cannot register again', me using errcode = 'OWFRB';
  end if;
  -- Whatever the worker still held is requeued first (job → run → worker), then the row is written.
  requeued := internal.settle_worker_runs(me, org, 'lost', 'the worker restarted while running this job', 'lost');
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
  return jsonb_build_object('worker_id', w.id, 'organization_id', w.organization_id, 'requeued_run_ids', to_jsonb(requeued));
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
  perform internal.settle_worker_runs(me, internal.claim_org(), 'preempted', 'the worker stopped: ' || coalesce(p_reason, ''),
    'failed');
  update public.workers set status = 'terminated', terminated_at = now(), shutdown_reason = coalesce(shutdown_reason, p_reason)
    where id = me and organization_id = internal.claim_org() and status not in ('terminated', 'lost');
  update public.api_tokens set revoked_at = now()
    where worker_id = me and organization_id = internal.claim_org() and revoked_at is null;
end;
$$;

revoke all on function internal.lock_job_of_run, internal.settle_worker_runs from public, anon, authenticated;
