-- The invariant "a job in_progress has an in-progress run", held by the reaper: a job left
-- in_progress without a live run (no SQL path does this; the state is forced here) is requeued
-- once past the grace, as a lost run; a job whose run is live, or one just claimed, is left alone.
begin;
set local search_path = public, extensions;
select plan(6);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_worker('A', 'w-runless', 'img:runless');
  perform pg_temp.submit('admin A', 'stranded', p_image => 'img:runless');
  perform pg_temp.submit('admin A', 'live', p_image => 'img:runless');
  perform pg_temp.claim('w-runless');
  perform pg_temp.claim('w-runless');
end $$;

-- Force the broken state: the run ended behind the job's back. The touch trigger is off so the
-- jobs' updated_at can be put before the grace (now() is fixed within this transaction).
alter table public.jobs disable trigger jobs_touch;
update public.runs set status = 'completed', finished_at = now() where id = (pg_temp.run('stranded')).id;

select is(pg_temp.reap(), 0, 'a job without a live run is left alone within the grace (it may have just been claimed)');
select is((pg_temp.job('stranded')).status::text, 'in_progress', 'so it is still in_progress');

update public.jobs set updated_at = now() - interval '2 minutes' where params ->> 'name' in ('stranded', 'live');
select is(pg_temp.reap(), 1, 'the reaper requeues exactly the job left in_progress without a live run');
select is((select row(status, worker_id is null, lost_runs, failure_kind)::text from public.jobs
    where params ->> 'name' = 'stranded'),
  '(pending,t,1,)', 'it is pending again, without a worker, counted as a lost run (no attempt)');
select is((pg_temp.job('live')).status::text, 'in_progress', 'a job whose run is live is left alone');
select is(pg_temp.claimed('w-runless'), 'stranded', 'the requeued job can be claimed again');

select * from finish();
rollback;
