-- Every write after a claim is fenced by (run, worker, in_progress, organization): once the lease
-- is lost — reaped, canceled, settled, or the run was never this worker's — complete_run,
-- fail_run and the appends raise OWLEA, and the heartbeat tells the worker what to do with each
-- run it still thinks it holds (continue / cancel / stop) and whether to shut down.
begin;
set local search_path = public, extensions;
select plan(51);
\ir helpers/queue.psql

create temp table kept (name text primary key, id uuid not null);
create function pg_temp.keep(p_name text, p_run jsonb) returns uuid language sql
as $$ insert into pg_temp.kept values (p_name, (p_run ->> 'id')::uuid) returning id $$;
create function pg_temp.kept(p_name text) returns uuid language sql stable
as $$ select id from pg_temp.kept where name = p_name $$;

/** SQL text calling a run function on a kept run, for throws_ok. */
create function pg_temp.call(p_worker text, p_fn text, p_run text) returns text language sql stable
as $$
  select format('select pg_temp.as_json(%L, %L)', p_worker, format(case p_fn
    when 'complete' then 'select * from public.complete_run(%L, 0)'
    when 'fail' then 'select * from public.fail_run(%L, ''user_error'', ''boom'', 1)'
    when 'logs' then 'select public.append_run_logs(%L, 7, ''o'', ''{line}'')'
    when 'events' then 'select public.append_run_events(%L, ''[{"seq": 7, "data": {"type": "x"}}]'')'
  end, pg_temp.kept(p_run)))
$$;

create function pg_temp.actions(p_heartbeat jsonb) returns text[] language sql immutable
as $$ select array(select r ->> 'action' from jsonb_array_elements(p_heartbeat -> 'runs') r) $$;

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.new_worker('A', 'w1');
  perform pg_temp.new_worker('A', 'w2');
  perform pg_temp.new_worker('B', 'wb', 'img:b');
end $$;

-- ---------------------------------------------------------------- the live run
do $$ begin
  perform pg_temp.submit('admin A', 'live');
  perform pg_temp.keep('live', pg_temp.claim('w1'));
end $$;
select is(pg_temp.as_one('w1', format($$select public.append_run_logs(%L, 0, 'oe', '{out,err}') as r$$, pg_temp.kept('live'))) -> 'r',
  'true'::jsonb, 'the worker holding the lease appends a log chunk');
select is(pg_temp.as_one('w1', format($$select public.append_run_logs(%L, 0, 'oe', '{out,err}') as r$$, pg_temp.kept('live'))) -> 'r',
  'false'::jsonb, 'a retried log chunk with the same seq is a no-op');
select is(pg_temp.as_one('w1', format($$select public.append_run_events(%L, '[{"seq": 0, "data": {"type": "metrics", "loss": 1}}, {"seq": 1, "data": {"type": "metrics", "loss": 0.5}}]') as r$$, pg_temp.kept('live'))) -> 'r',
  '2'::jsonb, 'the worker holding the lease appends events');
select is(pg_temp.as_one('w1', format($$select public.append_run_events(%L, '[{"seq": 1, "data": {"type": "metrics", "loss": 0.5}}, {"seq": 2, "data": {"type": "done"}}]') as r$$, pg_temp.kept('live'))) -> 'r',
  '1'::jsonb, 'a retried batch adds only the events it has not seen');
select is((select count(*) from public.events where run_id = pg_temp.kept('live')), 3::bigint, 'no event is duplicated');
select throws_ok(pg_temp.call('w2', 'complete', 'live'), 'OWLEA', null, 'another worker cannot complete the run');
select throws_ok(pg_temp.call('w2', 'fail', 'live'), 'OWLEA', null, 'another worker cannot fail the run');
select throws_ok(pg_temp.call('w2', 'logs', 'live'), 'OWLEA', null, 'another worker cannot append logs to the run');
select throws_ok(pg_temp.call('w2', 'events', 'live'), 'OWLEA', null, 'another worker cannot append events to the run');
select throws_ok(pg_temp.call('admin A', 'complete', 'live'), 'OWLEA', null, 'an admin token cannot complete a worker''s run');
select throws_ok(pg_temp.call('wb', 'complete', 'live'), 'OWLEA', null, 'a worker of another organization cannot complete the run');
select is(pg_temp.as_one('w1', format('select * from public.complete_run(%L, 0)', pg_temp.kept('live'))),
  '{"job_status": "completed", "will_retry": false}'::jsonb, 'the lease holder completes the run');
select throws_ok(pg_temp.call('w1', 'complete', 'live'), 'OWLEA', null, 'a finished run cannot be completed twice');
select throws_ok(pg_temp.call('w1', 'fail', 'live'), 'OWLEA', null, 'a finished run cannot be failed afterwards');
select throws_ok(pg_temp.call('w1', 'logs', 'live'), 'OWLEA', null, 'a finished run takes no more logs');
select is(pg_temp.actions(pg_temp.heartbeat('w1', array[pg_temp.kept('live')])), '{stop}',
  'the heartbeat says stop for a run that is already finished');

-- ---------------------------------------------------------------- lease lost: reaped
do $$ begin
  perform pg_temp.submit('admin A', 'reaped');
  perform pg_temp.keep('reaped', pg_temp.claim('w1'));
  perform pg_temp.expire('reaped');
  perform pg_temp.reap();
end $$;
select is((select status::text from public.runs where id = pg_temp.kept('reaped')), 'lost', 'the reaper marks the expired run lost');
select throws_ok(pg_temp.call('w1', 'complete', 'reaped'), 'OWLEA', null, 'complete after the lease was reaped raises OWLEA');
select throws_ok(pg_temp.call('w1', 'fail', 'reaped'), 'OWLEA', null, 'fail after the lease was reaped raises OWLEA');
select throws_ok(pg_temp.call('w1', 'logs', 'reaped'), 'OWLEA', null, 'appending logs after the lease was reaped raises OWLEA');
select throws_ok(pg_temp.call('w1', 'events', 'reaped'), 'OWLEA', null, 'appending events after the lease was reaped raises OWLEA');
select is(pg_temp.actions(pg_temp.heartbeat('w1', array[pg_temp.kept('reaped')])), '{stop}',
  'the heartbeat tells the old holder to stop');
select is((select lease_expires_at < now() from public.runs where id = pg_temp.kept('reaped')), true,
  'a heartbeat does not revive a reaped lease');
do $$ begin perform pg_temp.keep('reaped-retry', pg_temp.claim('w2')); end $$;
select is((select attempt::integer from public.runs where id = pg_temp.kept('reaped-retry')), 2, 'the requeued job is claimed again as attempt 2');
update public.runs set lease_expires_at = now() + interval '7 seconds' where id = pg_temp.kept('reaped-retry');
select is(pg_temp.actions(pg_temp.heartbeat('w1', array[pg_temp.kept('reaped'), pg_temp.kept('reaped-retry')])), '{stop,stop}',
  'the old holder is told to stop both its lost run and the new holder''s run');
select is((select lease_expires_at from public.runs where id = pg_temp.kept('reaped-retry')), now() + interval '7 seconds',
  'the old holder''s heartbeat does not renew the new holder''s lease');
select throws_ok(pg_temp.call('w1', 'complete', 'reaped-retry'), 'OWLEA', null, 'the old holder cannot complete the new run');
select is(pg_temp.actions(pg_temp.heartbeat('w2', array[pg_temp.kept('reaped-retry')], 120)), '{continue}',
  'the new holder is told to continue');
select is((select lease_expires_at from public.runs where id = pg_temp.kept('reaped-retry')), now() + interval '120 seconds',
  'the new holder''s heartbeat renews its lease by the requested seconds');

-- ---------------------------------------------------------------- lease lost: canceled
do $$ begin
  perform pg_temp.submit('admin A', 'canceled');
  perform pg_temp.keep('canceled', pg_temp.claim('w1'));
  perform pg_temp.as_json('admin A', format('select public.cancel_job(%L)', (pg_temp.job('canceled')).id));
end $$;
select is(pg_temp.actions(pg_temp.heartbeat('w1', array[pg_temp.kept('canceled')])), '{cancel}',
  'the heartbeat tells the worker to cancel a canceled run');
select throws_ok(pg_temp.call('w1', 'complete', 'canceled'), 'OWLEA', null, 'complete after cancel raises OWLEA');
select throws_ok(pg_temp.call('w1', 'fail', 'canceled'), 'OWLEA', null, 'fail after cancel raises OWLEA');
select throws_ok(pg_temp.call('w1', 'logs', 'canceled'), 'OWLEA', null, 'appending logs after cancel raises OWLEA');
select throws_ok(pg_temp.call('w1', 'events', 'canceled'), 'OWLEA', null, 'appending events after cancel raises OWLEA');
select is((pg_temp.job('canceled')).status::text, 'canceled', 'the canceled job stays canceled');

-- ---------------------------------------------------------------- heartbeat directives and guards
select is(pg_temp.heartbeat('w2', array[pg_temp.kept('reaped-retry'), '00000000-0000-4000-8000-000000000000', pg_temp.kept('canceled')]),
  jsonb_build_object('shutdown', false, 'runs', jsonb_build_array(
    jsonb_build_object('run_id', pg_temp.kept('reaped-retry'), 'action', 'continue'),
    jsonb_build_object('run_id', '00000000-0000-4000-8000-000000000000', 'action', 'stop'),
    jsonb_build_object('run_id', pg_temp.kept('canceled'), 'action', 'stop'))),
  'one directive per reported run, in order: continue for its own, stop for unknown runs and others'' canceled runs');
select throws_ok($$select pg_temp.heartbeat('member A', '{}')$$, 'OWFRB', null, 'a member token cannot heartbeat');
select throws_ok($$select pg_temp.heartbeat('w2', '{}', 4)$$, 'OWVAL', null, 'a heartbeat lease under 5 seconds is refused');
do $$ begin perform pg_temp.new_worker_token('A', 'w-unregistered'); end $$;
select throws_ok($$select pg_temp.heartbeat('w-unregistered', '{}')$$, 'OWNFD', null, 'an unregistered worker cannot heartbeat');

-- ---------------------------------------------------------------- shutdown
select is(pg_temp.heartbeat('w2', '{}') -> 'shutdown', 'false'::jsonb, 'a worker in good standing is not told to shut down');
do $$ begin
  perform pg_temp.as_json('admin A', 'select public.request_worker_shutdown(''w2'', ''scale down'')');
end $$;
select is(pg_temp.heartbeat('w2', array[pg_temp.kept('reaped-retry')]),
  jsonb_build_object('shutdown', true, 'runs', jsonb_build_array(jsonb_build_object('run_id', pg_temp.kept('reaped-retry'), 'action', 'continue'))),
  'after a shutdown request the heartbeat says shutdown while the current run continues');
select is(pg_temp.as_one('w2', format('select * from public.complete_run(%L, 0)', pg_temp.kept('reaped-retry'))) ->> 'job_status',
  'completed', 'a worker asked to shut down still completes its current run');
do $$ begin
  perform pg_temp.submit('admin A', 'preempted');
  perform pg_temp.keep('preempted', pg_temp.claim('w1'));
  perform pg_temp.as_json('w1', 'select public.stop_worker(''pod preempted'')');
end $$;
select is(pg_temp.heartbeat('w1', '{}') -> 'shutdown', 'true'::jsonb, 'a stopped worker''s heartbeat says shutdown');
select is(
  (select row(r.status, r.failure_kind, j.status, j.counted_failures)::text from public.runs r join public.jobs j on j.id = r.job_id
   where r.id = pg_temp.kept('preempted')),
  '(failed,preempted,pending,0)', 'stopping a worker settles its run as preempted and requeues the job without costing an attempt');
select throws_ok(pg_temp.call('w1', 'complete', 'preempted'), 'OWLEA', null, 'a stopped worker cannot complete its old run');
select throws_ok($$select pg_temp.as_json('w1', 'select public.register_worker(''img:1'')')$$, 'OWFRB', null,
  'a stopped worker cannot register again');

-- ---------------------------------------------------------------- restart after a crash
do $$ begin
  perform pg_temp.new_worker('A', 'w3', 'img:crash');
  perform pg_temp.submit('admin A', 'crash', p_image => 'img:crash');
  perform pg_temp.keep('crash', pg_temp.claim('w3'));
end $$;
select is(pg_temp.as_one('w3', 'select public.register_worker(''img:crash'') as r') -> 'r' -> 'requeued_run_ids',
  jsonb_build_array(pg_temp.kept('crash')), 'a worker that registers again reports the runs it held as requeued');
select is(((pg_temp.job('crash')).status::text, (pg_temp.job('crash')).lost_runs)::text, '(pending,1)',
  'the requeued job is pending again with one lost run');
select throws_ok(pg_temp.call('w3', 'complete', 'crash'), 'OWLEA', null, 'the restarted worker cannot complete its pre-crash run');

-- ---------------------------------------------------------------- stop_worker stays in its organization
do $$ begin
  perform pg_temp.submit('admin B', 'b-running', p_image => 'img:b');
  perform pg_temp.keep('b-running', pg_temp.claim('wb'));
  perform pg_temp.new_worker_token('A', 'wb', 'A token naming B''s worker');
  perform pg_temp.as_json('A token naming B''s worker', 'select public.stop_worker(''forged'')');
end $$;
select is((select status::text from public.runs where id = pg_temp.kept('b-running')), 'in_progress',
  'stop_worker by a token of A naming B''s worker leaves B''s run in progress');
select is((select count(*) from public.api_tokens t where t.worker_id = 'wb' and t.organization_id = pg_temp.org('B') and t.revoked_at is null),
  1::bigint, 'stop_worker by a token of A naming B''s worker leaves B''s worker token valid');

select * from finish();
rollback;
