-- Workers a restarted local stack knows to be dead: internal.mark_workers_lost settles their runs as
-- lost through the normal path (the job back to pending, no attempt counted), ends the rows `lost`,
-- revokes their tokens, leaves other workers alone, and no API role may call it.
begin;
set local search_path = public, extensions;
select plan(9);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_worker('A', 'w-dead', 'img:ml');
  perform pg_temp.new_worker('A', 'w-alive', 'img:ml');
  perform pg_temp.submit('admin A', 'held', p_image => 'img:ml', p_max_attempts => 1);
  perform pg_temp.claim('w-dead');
  perform pg_temp.submit('admin A', 'other', p_image => 'img:ml');
  perform pg_temp.claim('w-alive');
end $$;

select throws_ok($$select pg_temp.as_json('admin A', 'select * from internal.mark_workers_lost(array[''w-dead''], ''x'')')$$,
  '42501', null, 'an admin token cannot mark workers lost');
select throws_ok($$select pg_temp.as_json('w-alive', 'select * from internal.mark_workers_lost(array[''w-dead''], ''x'')')$$,
  '42501', null, 'a worker token cannot mark workers lost');

select is((select jsonb_agg(to_jsonb(m)) from internal.mark_workers_lost(array['w-dead', 'w-unknown'], 'the local stack restarted') m),
  '[{"worker_id": "w-dead", "requeued_runs": 1}]'::jsonb, 'the dead worker is ended and its one run settled; unknown ids are ignored');
select is((select row(status, failure_kind, failure_message)::text from public.runs where id = (pg_temp.run('held')).id),
  '(lost,lost,"the local stack restarted")', 'its run is lost, saying why');
select is((select row(status, attempts, counted_failures, lost_runs, worker_id is null)::text from public.jobs j
  where j.id = (pg_temp.job('held')).id), '(pending,1,0,1,t)',
  'its job is pending again without a counted attempt (even with max_attempts 1)');
select is((select row(status, terminated_at is not null)::text from public.workers where id = 'w-dead'), '(lost,t)',
  'the worker row ends lost');
select is((select count(*)::int from public.api_tokens where worker_id = 'w-dead' and revoked_at is null), 0,
  'its tokens are revoked');
select is((select row(w.status, (pg_temp.run('other')).status)::text from public.workers w where w.id = 'w-alive'),
  '(active,in_progress)', 'another worker and its run are left alone');
select is((select count(*)::int from internal.mark_workers_lost(array['w-dead'], 'again')), 0,
  'marking an ended worker again does nothing');

select * from finish();
rollback;
