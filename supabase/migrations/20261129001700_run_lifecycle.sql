-- Why: after a claim every write is fenced by (run, worker, in_progress). Zero rows means the
-- lease was lost (expired and reaped, job canceled, another worker took over): the function
-- raises OWLEA, the api answers 409 lease_lost, and the worker stops the job at once.
--
-- The worker's hot-path functions (claim, heartbeat, complete, fail, log/event append) carry
-- `set enable_seqscan = off`: each session caches a generic plan for their statements the first
-- time they run, and when `runs` was still empty (a new project, or any burst before autovacuum
-- analyzes it) that plan is a sequential scan — so every later lookup of one run by its key read
-- the whole table. bench:claim measured one seq scan per claim reading ~10,000 rows on average.
-- Every statement in them is a key or index lookup, so forbidding seq scans costs nothing.
/**
 * The caller's live run, locked: FOR UPDATE to settle it, FOR SHARE (p_exclusive false) for log and
 * event appends, so a worker's concurrent appends don't block each other while a completion still
 * waits for them. Raises OWLEA when the run is not in progress on the calling worker.
 */
create function internal.leased_run(p_run_id uuid, p_exclusive boolean default true) returns public.runs
language plpgsql set search_path = ''
as $$
declare
  r public.runs;
begin
  -- By id alone, then checked: with `status = 'in_progress'` in the query the planner may scan a
  -- partial in-progress index (tiny by its statistics, long in dead entries between vacuums) with a
  -- filter on id instead of probing the primary key (bench:claim slowed with queue length).
  if p_exclusive then
    select * into r from public.runs where id = p_run_id for update;
  else
    select * into r from public.runs where id = p_run_id for share;
  end if;
  if not found or r.status <> 'in_progress' or r.worker_id is distinct from internal.worker_id()
      or r.organization_id is distinct from internal.claim_org() then
    raise exception 'run % is not in progress on this worker (lease lost)', p_run_id using errcode = 'OWLEA';
  end if;
  return r;
end;
$$;

/**
 * Renews the leases of the runs the worker reports and tells it what to do with each:
 * {"shutdown": bool, "runs": [{"run_id", "action": continue|cancel|stop}]}.
 */
create function public.worker_heartbeat(p_run_ids uuid[], p_lease_seconds integer default 60,
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
  update public.workers w set last_heartbeat_at = now(), cached_models = coalesce(p_cached_models, w.cached_models)
    where w.id = me and w.organization_id = internal.claim_org()
    returning w.shutdown_requested or w.status in ('terminated', 'lost') into stop_now;
  if not found then
    raise exception 'worker % is not registered', me using errcode = 'OWNFD';
  end if;
  update public.runs r set lease_expires_at = now() + make_interval(secs => p_lease_seconds), last_heartbeat_at = now()
    where r.id = any (coalesce(p_run_ids, '{}')) and r.worker_id = me and r.status = 'in_progress';
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

/** Fenced completion: the run is locked and checked (OWLEA when the lease is lost), then settled. */
create function public.complete_run(p_run_id uuid, p_exit_code integer default 0)
returns table (job_status public.job_status, will_retry boolean)
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  me text := internal.worker_id();
  done_job text;
  final public.job_status;
begin
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

create function public.fail_run(p_run_id uuid, p_kind public.failure_kind, p_message text default '',
  p_exit_code integer default null)
returns table (job_status public.job_status, will_retry boolean)
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  r public.runs := internal.leased_run(p_run_id);
begin
  return query select s.job_status, s.will_retry
    from internal.settle_failed_run(r.id, p_kind, coalesce(p_message, ''), p_exit_code,
      case when p_kind = 'canceled' then 'canceled'::public.run_status else 'failed'::public.run_status end) s;
end;
$$;

revoke all on function public.worker_heartbeat, public.complete_run, public.fail_run from public, anon;
grant execute on function public.worker_heartbeat, public.complete_run, public.fail_run to authenticated, service_role;
