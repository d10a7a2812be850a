-- Leases and the failure policy: an expired lease is reaped and the job requeued without costing
-- an attempt, up to internal.max_lost_runs(); a job running past its timeout is failed server-side;
-- the user's own failures retry up to max_attempts; timeouts and missing capacity never retry; a
-- canceled job stays canceled whatever happens to its run afterwards.
begin;
set local search_path = public, extensions;
select plan(35);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_member_token('A', 'member A');
end $$;

/** Claims p_name on its own image p_times times, losing the lease each time; the job's status after each reap. */
create function pg_temp.lose(p_worker text, p_name text, p_times integer) returns text[] language plpgsql
as $$
declare
  statuses text[] := '{}';
begin
  for i in 1..p_times loop
    if pg_temp.claimed(p_worker) is distinct from p_name then
      return statuses || 'not claimed'::text;
    end if;
    perform pg_temp.expire(p_name);
    perform pg_temp.reap();
    statuses := statuses || (pg_temp.job(p_name)).status::text;
  end loop;
  return statuses;
end;
$$;

create function pg_temp.job_state(p_name text) returns text language sql stable
as $$
  select row(j.status, j.attempts, j.counted_failures, j.lost_runs, j.failure_kind, j.worker_id is null, j.finished_at is not null)::text
  from public.jobs j where j.params ->> 'name' = p_name
$$;

-- ---------------------------------------------------------------- reaping requeues
select is(pg_temp.reap(), 0, 'with no expired lease the reaper does nothing');
do $$ begin
  perform pg_temp.new_worker('A', 'w-reap', 'img:reap');
  perform pg_temp.submit('admin A', 'lost-once', p_image => 'img:reap');
  perform pg_temp.submit('admin A', 'still-live', p_image => 'img:reap');
  perform pg_temp.claim('w-reap');
  perform pg_temp.claim('w-reap');
  perform pg_temp.expire('lost-once');
end $$;
select is(pg_temp.reap(), 1, 'the reaper settles exactly the expired lease');
select is((select row(status, failure_kind, failure_message)::text from public.runs where id = (pg_temp.run('lost-once')).id),
  '(lost,lost,"lease expired: the worker stopped heartbeating")', 'the expired run is marked lost');
select is(pg_temp.job_state('lost-once'), '(pending,1,0,1,,t,f)',
  'the job is requeued: one attempt started, none counted as failed, one lost run, no worker');
select is((pg_temp.run('still-live')).status::text, 'in_progress', 'a run whose lease is still valid is left alone');
select throws_ok($$select pg_temp.as_json('member A', 'select public.reap_expired_leases()')$$, '42501', null,
  'a member token cannot run the reaper');
select throws_ok($$select pg_temp.as_json('w-reap', 'select public.reap_expired_leases()')$$, '42501', null,
  'a worker token cannot run the reaper');

-- ---------------------------------------------------------------- the lost-run limit
do $$ begin
  perform pg_temp.new_worker('A', 'w-loop', 'img:loop');
  perform pg_temp.submit('admin A', 'lost-loop', p_image => 'img:loop', p_max_attempts => 1);
end $$;
select is(internal.max_lost_runs(), 5, 'a job may lose five runs');
select is(pg_temp.lose('w-loop', 'lost-loop', internal.max_lost_runs()),
  array_fill('pending'::text, array[internal.max_lost_runs() - 1]) || 'failed'::text,
  'lost runs requeue the job until internal.max_lost_runs(), even past max_attempts, then it fails');
select is(pg_temp.job_state('lost-loop'), '(failed,5,0,5,lost,t,t)', 'the job fails as lost without any counted failure');
select is((pg_temp.job('lost-loop')).failure_message, 'lease expired: the worker stopped heartbeating',
  'the failed job says why');
select is(pg_temp.claimed('w-loop'), null, 'the failed job is not claimed again');

-- ---------------------------------------------------------------- server-side timeout
do $$ begin
  perform pg_temp.new_worker('A', 'w-slow', 'img:slow');
  perform pg_temp.submit('admin A', 'slow', p_image => 'img:slow', p_timeout => 10);
  perform pg_temp.claim('w-slow');
end $$;
update public.runs set started_at = now() - interval '129 seconds' where id = (pg_temp.run('slow')).id;
select is(pg_temp.reap(), 0, 'a run past its timeout but inside the 120 s grace is left running');
update public.runs set started_at = now() - interval '131 seconds' where id = (pg_temp.run('slow')).id;
select is(pg_temp.reap(), 1, 'a run past its timeout plus grace is reaped although its lease is fresh');
select is((select row(status, failure_kind)::text from public.runs where id = (pg_temp.run('slow')).id), '(failed,timeout)',
  'the timed-out run fails with kind timeout');
select is(pg_temp.job_state('slow'), '(failed,1,1,0,timeout,t,t)', 'a timeout is not retried although attempts remain');

do $$ begin
  perform pg_temp.new_worker('A', 'w-both', 'img:both');
  perform pg_temp.submit('admin A', 'both', p_image => 'img:both', p_timeout => 10);
  perform pg_temp.claim('w-both');
  perform pg_temp.expire('both');
end $$;
update public.runs set started_at = now() - interval '1 hour' where id = (pg_temp.run('both')).id;
select is(pg_temp.reap(), 1, 'a run both expired and timed out is reaped once');
select is((pg_temp.run('both')).status::text, 'lost', 'an expired lease is reaped as lost before the timeout applies');

-- ---------------------------------------------------------------- the failure policy through fail_run
create function pg_temp.fail_times(p_worker text, p_name text, p_kind text, p_times integer) returns text[] language plpgsql
as $$
declare
  outcomes text[] := '{}';
  o jsonb;
begin
  for i in 1..p_times loop
    if pg_temp.claimed(p_worker) is distinct from p_name then
      return outcomes || 'not claimed'::text;
    end if;
    o := pg_temp.fail(p_worker, p_name, p_kind);
    outcomes := outcomes || ((o ->> 'job_status') || ':' || (o ->> 'will_retry'));
  end loop;
  return outcomes;
end;
$$;
do $$ begin
  perform pg_temp.new_worker('A', 'w-policy', 'img:policy');
  perform pg_temp.submit('admin A', 'flaky', p_image => 'img:policy', p_max_attempts => 3);
end $$;
select is(pg_temp.fail_times('w-policy', 'flaky', 'user_error', 3), '{pending:true,pending:true,failed:false}',
  'user errors retry until max_attempts, then the job fails');
select is(pg_temp.job_state('flaky'), '(failed,3,3,0,user_error,t,t)', 'every user error counted against max_attempts');
select is((pg_temp.job('flaky')).failure_message, 'boom', 'the failed job keeps the last failure message');

do $$ begin perform pg_temp.submit('admin A', 'oom', p_image => 'img:policy', p_max_attempts => 2); end $$;
select is(pg_temp.fail_times('w-policy', 'oom', 'oom', 2), '{pending:true,failed:false}', 'out-of-memory counts like a user error');

do $$ begin perform pg_temp.submit('admin A', 'timeout', p_image => 'img:policy'); end $$;
select is(pg_temp.fail_times('w-policy', 'timeout', 'timeout', 1), '{failed:false}', 'a reported timeout is not retried');
select is(pg_temp.job_state('timeout'), '(failed,1,1,0,timeout,t,t)', 'a reported timeout counts one attempt');

do $$ begin perform pg_temp.submit('admin A', 'no-capacity', p_image => 'img:policy'); end $$;
select is(pg_temp.fail_times('w-policy', 'no-capacity', 'no_capacity', 1), '{failed:false}', 'no_capacity is not retried');
select is(pg_temp.job_state('no-capacity'), '(failed,1,0,0,no_capacity,t,t)', 'no_capacity costs no attempt');

do $$ begin perform pg_temp.submit('admin A', 'preempted', p_image => 'img:policy', p_max_attempts => 1); end $$;
select is(pg_temp.fail_times('w-policy', 'preempted', 'preempted', 2) || pg_temp.fail_times('w-policy', 'preempted', 'user_error', 1),
  '{pending:true,pending:true,failed:false}', 'preemptions requeue without using attempts; the first user error then fails a max_attempts=1 job');

do $$ begin
  perform pg_temp.new_worker('A', 'w-mixed', 'img:mixed');
  perform pg_temp.submit('admin A', 'mixed', p_image => 'img:mixed', p_max_attempts => 1);
end $$;
select is(pg_temp.lose('w-mixed', 'mixed', 1) || pg_temp.fail_times('w-mixed', 'mixed', 'user_error', 1), '{pending,failed:false}',
  'a lost run does not use up max_attempts=1; the user error afterwards does');

-- ---------------------------------------------------------------- canceled stays canceled
do $$ begin
  perform pg_temp.new_worker('A', 'w-cancel', 'img:cancel');
  perform pg_temp.submit('admin A', 'cancel-running', p_image => 'img:cancel');
  perform pg_temp.claim('w-cancel');
  perform pg_temp.as_json('admin A', format('select public.cancel_job(%L)', (pg_temp.job('cancel-running')).id));
  perform pg_temp.expire('cancel-running');
end $$;
select is(pg_temp.reap(), 0, 'the reaper ignores the settled run of a canceled job');
select is(((pg_temp.job('cancel-running')).status, (pg_temp.run('cancel-running')).status)::text, '(canceled,canceled)',
  'a canceled job and its run stay canceled after the lease would have expired');

-- A run still in progress under a job that is already canceled (settled elsewhere): reaping keeps the job canceled.
do $$ begin
  perform pg_temp.submit('admin A', 'cancel-race', p_image => 'img:cancel');
  perform pg_temp.claim('w-cancel');
end $$;
update public.jobs set status = 'canceled', worker_id = null, failure_kind = 'canceled', failure_message = 'canceled by a user',
    finished_at = now()
  where params ->> 'name' = 'cancel-race';
do $$ begin perform pg_temp.expire('cancel-race'); end $$;
select is(pg_temp.reap(), 1, 'the reaper settles the orphaned run');
select is(((pg_temp.job('cancel-race')).status, (pg_temp.job('cancel-race')).lost_runs, (pg_temp.run('cancel-race')).status)::text,
  '(canceled,0,lost)', 'the job keeps canceled and no lost run is counted');

do $$ begin
  perform pg_temp.submit('admin A', 'self-canceled', p_image => 'img:cancel');
  perform pg_temp.claim('w-cancel');
end $$;
select is(pg_temp.fail('w-cancel', 'self-canceled', 'canceled'), '{"job_status": "canceled", "will_retry": false}'::jsonb,
  'a run the worker reports canceled settles the job as canceled, never retried');

select is(pg_temp.as_one('admin A', format('select status from public.restart_job(%L)', (pg_temp.job('cancel-running')).id)) ->> 'status',
  'pending', 'restarting a canceled job queues it again');
select is(pg_temp.claim('w-cancel') -> 'attempt', '2'::jsonb, 'the restarted job''s next run continues the attempt numbering');

select * from finish();
rollback;
