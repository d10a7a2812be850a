-- Fail fast (issue 15): a pending job whose waiting reason says no hardware the organization may
-- rent can run it fails as no_capacity once it has waited the grace with that reason; caps,
-- budgets and the rest keep waiting; only the service role (scale tick, pg_cron) runs the sweep.
begin;
set local search_path = public, extensions;
select plan(12);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.submit('admin A', 'too-big', p_vram => 1500);
  perform pg_temp.submit('admin A', 'unknown-hw', p_allowed => '{"1x NOPE9000"}');
  perform pg_temp.submit('admin A', 'over-budget');
  perform pg_temp.submit('admin A', 'at-cap');
  perform pg_temp.submit('admin A', 'starting');
end $$;
-- The scaler's texts (supabase/functions/scale/apply.ts WAITING_TEXT), as its tick writes them.
update public.jobs set waiting_reason = case params ->> 'name'
  when 'too-big' then 'cannot run: no hardware the scaler may rent fits its VRAM or allowed_hardware'
  when 'unknown-hw' then 'cannot run: allowed_hardware names hardware the catalog does not know'
  when 'over-budget' then 'cannot run: the cheapest hardware that fits exceeds the organization''s budget'
  when 'at-cap' then 'waiting: the organization is at its maximum number of workers'
  else 'starting: a worker (1x L40S) is being started for it' end
where organization_id = pg_temp.org('A');

create function pg_temp.state(p_name text) returns text language sql stable
as $$ select row(j.status, j.failure_kind, j.finished_at is not null)::text from public.jobs j where j.params ->> 'name' = p_name $$;

select throws_ok($$select pg_temp.as_json('member A', 'select public.fail_unrunnable_jobs()')$$, '42501', null,
  'a member token cannot run the sweep');
select throws_ok($$select pg_temp.as_json('admin A', 'select public.fail_unrunnable_jobs()')$$, '42501', null,
  'an admin token cannot run the sweep');
select ok(has_function_privilege('service_role', 'public.fail_unrunnable_jobs(interval)', 'execute'),
  'the service role (scale tick, pg_cron) may run the sweep');

set local role service_role;
select is(public.fail_unrunnable_jobs(), 0, 'within the grace nothing fails: a self-hosted worker may still claim it');
-- Every job's reason was set at now() (this transaction); a negative grace puts them all past it.
select is(public.fail_unrunnable_jobs(interval '-1 second'), 2, 'past the grace the two unrunnable jobs fail');
reset role;

select is(pg_temp.state('too-big'), '(failed,no_capacity,t)', 'a job larger than any rentable hardware fails as no_capacity');
select is(pg_temp.state('unknown-hw'), '(failed,no_capacity,t)', 'a job naming only unknown hardware fails as no_capacity');
select matches((pg_temp.job('too-big')).failure_message,
  '^cannot run: no hardware the scaler may rent fits its VRAM or allowed_hardware \(failed after waiting',
  'the failure message is the waiting reason, saying how long it waited');
select is(pg_temp.state('over-budget'), '(pending,,f)', 'a job over the budget keeps waiting: an admin can raise the budget');
select is(pg_temp.state('at-cap'), '(pending,,f)', 'a job at the worker cap keeps waiting');
select is(pg_temp.state('starting'), '(pending,,f)', 'a job whose worker is starting keeps waiting');

set local role service_role;
select is(public.fail_unrunnable_jobs(interval '-1 second'), 0, 'a second sweep finds nothing more');
reset role;

select * from finish();
rollback;
