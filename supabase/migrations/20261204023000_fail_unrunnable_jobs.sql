-- Why (issue 15, "honest waits"): a job no hardware the organization may rent can run stayed
-- pending forever; the scaler knew (waiting_reason "cannot run: …") but nothing ended the wait.
-- Decided per kind of waiting reason (the texts are the scaler's, supabase/functions/scale/apply.ts
-- WAITING_TEXT; tests/loop/fail-fast.test.ts runs the real tick and this sweep together, so a
-- changed text fails there):
--   * "cannot run: no hardware … fits its VRAM or allowed_hardware" and "cannot run:
--     allowed_hardware names hardware the catalog does not know": the request itself cannot be
--     met, so the job fails as `no_capacity` with that reason once it has waited
--     internal.unrunnable_grace() with the reason unchanged (not at the first tick: a self-hosted
--     `ow worker`, which the scaler does not plan for, may still be starting to claim it);
--   * everything else keeps waiting, its reason shown: caps, budgets (also "cannot run: the
--     cheapest hardware that fits exceeds the organization's budget", which an admin can lift
--     with `ow org limits`), cooling-down hardware, workers starting.
-- Submission does not refuse such jobs: which hardware exists is the provider's live catalog,
-- known to the scaler, not to the api.
-- "unchanged": the scaler writes waiting_reason only when its text changes, and every write
-- touches updated_at, so a pending job's updated_at is when its current reason was set.
create function internal.unrunnable_grace() returns interval
language sql immutable
return interval '10 minutes';

create function internal.is_unrunnable_reason(p_reason text) returns boolean
language sql immutable
return p_reason like 'cannot run: no hardware %' or p_reason like 'cannot run: allowed_hardware %';

/** Fails the pending jobs whose reason says no rentable hardware can run them, once past the grace. */
create function public.fail_unrunnable_jobs(p_grace interval default internal.unrunnable_grace())
returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  failed integer;
begin
  with doomed as (
    -- SKIP LOCKED: a job being claimed, canceled or resubmitted right now is left to that (README, one lock order)
    select id from public.jobs
    where status = 'pending' and internal.is_unrunnable_reason(waiting_reason) and updated_at < now() - p_grace
    for no key update skip locked
  ), changed as (
    update public.jobs j
    set status = 'failed', failure_kind = 'no_capacity', finished_at = now(),
        failure_message = j.waiting_reason || ' (failed after waiting ' || p_grace::text || ' with this reason)'
    from doomed where j.id = doomed.id
    returning 1
  )
  select count(*) into failed from changed;
  return failed;
end;
$$;
revoke all on function public.fail_unrunnable_jobs, internal.unrunnable_grace, internal.is_unrunnable_reason
  from public, anon, authenticated;
grant execute on function public.fail_unrunnable_jobs, internal.unrunnable_grace, internal.is_unrunnable_reason
  to service_role;

-- Every minute where pg_cron exists (as the lease reaper, 20261129002300), and on every scale tick.
do $$
begin
  if exists (select from pg_available_extensions where name = 'pg_cron')
     and current_database() = coalesce(current_setting('cron.database_name', true), 'postgres') then
    create extension if not exists pg_cron;
    perform cron.schedule('openweights-fail-unrunnable-jobs', '* * * * *', 'select public.fail_unrunnable_jobs()');
  end if;
exception when others then
  raise notice 'pg_cron not usable here (%), the scale tick fails unrunnable jobs instead', sqlerrm;
end
$$;
