-- claim_job: which job a worker gets. Same organization and image; allowed_hardware (when set)
-- must list the worker's hardware, otherwise its VRAM must cover the job; priority first, then a
-- model the worker has cached, then age. Workers that were asked to leave get nothing, and a
-- job never has two runs in progress. Each scenario uses its own image so scenarios don't mix.
begin;
set local search_path = public, extensions;
select plan(45);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
end $$;

-- ---------------------------------------------------------------- who may claim
do $$ begin
  perform pg_temp.new_worker('A', 'w-guard');
end $$;
select throws_ok($$select pg_temp.claim('member A')$$, 'OWFRB', null, 'a member token cannot claim jobs');
select throws_ok($$select pg_temp.claim('admin A')$$, 'OWFRB', null, 'an admin token cannot claim jobs');
select throws_ok($$select pg_temp.as_json('anon', 'select * from public.claim_job()')$$, '42501', null,
  'anon cannot execute claim_job');
select throws_ok($$select pg_temp.claim('w-guard', 4)$$, 'OWVAL', null, 'a lease shorter than 5 seconds is refused');
select throws_ok($$select pg_temp.claim('w-guard', 3601)$$, 'OWVAL', null, 'a lease longer than an hour is refused');
select is(pg_temp.claimed('w-guard'), null, 'an empty queue yields no run');

-- ---------------------------------------------------------------- image
do $$ begin
  perform pg_temp.submit('admin A', 'image-job', p_image => 'img:image');
  perform pg_temp.new_worker('A', 'w-other-image', 'img:other');
  perform pg_temp.new_worker('A', 'w-image', 'img:image');
end $$;
select is(pg_temp.claimed('w-other-image'), null, 'a worker never claims a job built for another image');
select is(pg_temp.claimed('w-image'), 'image-job', 'a worker claims a job for its own image');

-- What a claim does: one run, attempt 1, leased for the asked seconds; the job is in progress on the worker.
select is((pg_temp.run('image-job')).attempt::integer, 1, 'the first run of a job is attempt 1');
select is((pg_temp.run('image-job')).lease_expires_at, now() + interval '60 seconds', 'the run is leased for the requested seconds');
select is(
  (select row(j.status, j.worker_id, j.attempts, j.started_at is not null)::text from public.jobs j where j.params ->> 'name' = 'image-job'),
  '(in_progress,w-image,1,t)', 'the claimed job is in progress on the claiming worker with one attempt started');

-- ---------------------------------------------------------------- VRAM
do $$ begin
  perform pg_temp.submit('admin A', 'vram-80', p_image => 'img:vram', p_vram => 80);
  perform pg_temp.new_worker('A', 'w-48gb', 'img:vram', 48);
  perform pg_temp.new_worker('A', 'w-80gb', 'img:vram', 80);
end $$;
select is(pg_temp.claimed('w-48gb'), null, 'a worker with less VRAM than requires_vram_gb claims nothing');
select is(pg_temp.claimed('w-80gb'), 'vram-80', 'a worker with exactly the required VRAM claims the job');
do $$ begin
  perform pg_temp.submit('admin A', 'vram-24', p_image => 'img:vram', p_vram => 24);
end $$;
select is(pg_temp.claimed('w-48gb'), 'vram-24', 'a worker with more VRAM than required claims the job');

-- ---------------------------------------------------------------- allowed_hardware
do $$ begin
  perform pg_temp.submit('admin A', 'hw-h100', p_image => 'img:hw', p_vram => 80, p_allowed => '{"1x H100"}');
  perform pg_temp.new_worker('A', 'w-a100', 'img:hw', 200, '1x A100');
  perform pg_temp.new_worker('A', 'w-no-hw', 'img:hw', 200, null);
  perform pg_temp.new_worker('A', 'w-h100', 'img:hw', 0, '1x H100');
end $$;
select is(pg_temp.claimed('w-a100'), null, 'allowed_hardware excludes unlisted hardware however much VRAM it has');
select is(pg_temp.claimed('w-no-hw'), null, 'a worker that reported no hardware type never matches allowed_hardware');
select is(pg_temp.claimed('w-h100'), 'hw-h100', 'listed hardware claims the job even with less VRAM than requires_vram_gb');
do $$ begin
  perform pg_temp.submit('admin A', 'hw-either', p_image => 'img:hw', p_allowed => '{"1x H100","1x A100"}');
end $$;
select is(pg_temp.claimed('w-a100'), 'hw-either', 'any hardware listed in allowed_hardware matches');

-- ---------------------------------------------------------------- cached-model preference
do $$ begin
  perform pg_temp.submit('admin A', 'cache-none', p_image => 'img:cache');
  perform pg_temp.submit('admin A', 'cache-uncached', p_image => 'img:cache', p_model => 'org/uncached');
  perform pg_temp.submit('admin A', 'cache-cached', p_image => 'img:cache', p_model => 'org/cached');
end $$;
update public.jobs set created_at = now() - interval '3 hours' where params ->> 'name' = 'cache-none';
update public.jobs set created_at = now() - interval '2 hours' where params ->> 'name' = 'cache-uncached';
update public.jobs set created_at = now() - interval '1 hour' where params ->> 'name' = 'cache-cached';
do $$ begin
  perform pg_temp.new_worker('A', 'w-cache', 'img:cache', p_cached => '{org/cached}');
  perform pg_temp.new_worker('A', 'w-no-cache', 'img:cache');
end $$;
select is(pg_temp.claimed('w-cache'), 'cache-cached', 'a worker prefers the job whose model it has cached over older jobs');
select is(pg_temp.claimed('w-no-cache'), 'cache-none', 'without a cached model the oldest job comes first');
select is(pg_temp.claimed('w-cache'), 'cache-uncached', 'after the cached job the oldest remaining comes next');

do $$ begin
  perform pg_temp.submit('admin A', 'prio-uncached', p_image => 'img:cache-prio', p_priority => 1, p_model => 'org/uncached');
  perform pg_temp.submit('admin A', 'prio-cached', p_image => 'img:cache-prio', p_priority => 0, p_model => 'org/cached');
end $$;
update public.jobs set created_at = now() - interval '1 hour' where params ->> 'name' = 'prio-cached';
do $$ begin
  perform pg_temp.new_worker('A', 'w-cache-prio', 'img:cache-prio', p_cached => '{org/cached}');
end $$;
select is(pg_temp.claimed('w-cache-prio'), 'prio-uncached', 'priority outranks a cached model');

do $$ begin
  perform pg_temp.submit('admin A', 'hb-old', p_image => 'img:hb', p_model => 'org/m1');
  perform pg_temp.submit('admin A', 'hb-new', p_image => 'img:hb', p_model => 'org/m2');
end $$;
update public.jobs set created_at = now() - interval '2 hours' where params ->> 'name' = 'hb-old';
do $$ begin
  perform pg_temp.new_worker('A', 'w-hb', 'img:hb');
  perform pg_temp.heartbeat('w-hb', '{}', 60, '{org/m2}');
end $$;
select is(pg_temp.claimed('w-hb'), 'hb-new', 'cached models reported by heartbeat steer the next claim');

-- ---------------------------------------------------------------- priority, then age
do $$ begin
  perform pg_temp.submit('admin A', 'o-low', p_image => 'img:order', p_priority => -1);
  perform pg_temp.submit('admin A', 'o-mid-old', p_image => 'img:order', p_priority => 0);
  perform pg_temp.submit('admin A', 'o-high-new', p_image => 'img:order', p_priority => 5);
  perform pg_temp.submit('admin A', 'o-high-old', p_image => 'img:order', p_priority => 5);
  perform pg_temp.submit('admin A', 'o-mid-new', p_image => 'img:order', p_priority => 0);
end $$;
update public.jobs j set created_at = now() - a.age
  from (values ('o-low', interval '4 hours'), ('o-mid-old', interval '3 hours'), ('o-high-old', interval '2 hours'),
               ('o-high-new', interval '1 hour'), ('o-mid-new', interval '30 minutes')) a(name, age)
  where j.params ->> 'name' = a.name;
do $$ begin
  perform pg_temp.new_worker('A', 'w-order', 'img:order');
end $$;
create function pg_temp.claim_sequence(p_worker text, p_n integer) returns text[] language plpgsql
as $$
declare
  names text[] := '{}';
begin
  for i in 1..p_n loop
    names := names || pg_temp.claimed(p_worker);
  end loop;
  return names;
end;
$$;
select is(pg_temp.claim_sequence('w-order', 6), '{o-high-old,o-high-new,o-mid-old,o-mid-new,o-low,NULL}'::text[],
  'claims go by priority (highest first), then age (oldest first), until the queue is empty');

-- ---------------------------------------------------------------- workers that must not claim
do $$ begin
  perform pg_temp.submit('admin A', 'sd-job', p_image => 'img:shutdown');
  perform pg_temp.new_worker('A', 'w-shutdown', 'img:shutdown');
end $$;
update public.workers set last_active_at = now() - interval '1 hour' where id = 'w-shutdown';
select throws_ok($$select pg_temp.as_json('member A', 'select public.request_worker_shutdown(''w-shutdown'')')$$, 'OWFRB', null,
  'a member token cannot ask a worker to shut down');
select throws_ok($$select pg_temp.as_json('admin B', 'select public.request_worker_shutdown(''w-shutdown'')')$$, 'OWNFD', null,
  'an admin of another organization cannot even find the worker');
select is(pg_temp.as_one('admin A', $$select status, shutdown_requested from public.request_worker_shutdown('w-shutdown')$$),
  '{"status": "shutdown", "shutdown_requested": true}'::jsonb, 'an admin asks a worker to shut down');
select is(pg_temp.claimed('w-shutdown'), null, 'a worker asked to shut down claims nothing');
select is(
  (select row(status, shutdown_requested, last_active_at < now())::text from public.workers where id = 'w-shutdown'),
  '(shutdown,t,t)', 'a claim that got nothing leaves the worker''s status and last activity alone');
select is((pg_temp.job('sd-job')).status, 'pending', 'the job stays pending for another worker');

do $$ begin
  perform pg_temp.new_worker('A', 'w-stopped', 'img:shutdown');
  perform pg_temp.as_json('w-stopped', 'select public.stop_worker(''done'')');
end $$;
create function pg_temp.claim_outcome(p_worker text) returns text language plpgsql
as $$
begin
  return coalesce(pg_temp.claimed(p_worker), 'nothing');
exception when others then
  return 'error ' || sqlstate || ': ' || sqlerrm;
end;
$$;
select is(pg_temp.claim_outcome('w-stopped'), 'nothing', 'a stopped worker claims nothing (and its claim does not error)');
select is((select status::text from public.workers where id = 'w-stopped'), 'terminated', 'a stopped worker stays terminated');

do $$ begin
  perform pg_temp.new_worker_token('A', 'w-unregistered');
end $$;
select is(pg_temp.claimed('w-unregistered'), null, 'a worker token whose worker never registered claims nothing');

-- ---------------------------------------------------------------- organizations
do $$ begin
  perform pg_temp.submit('admin B', 'cross-b', p_image => 'img:cross');
  perform pg_temp.new_worker('A', 'w-cross-a', 'img:cross');
end $$;
select is(pg_temp.claimed('w-cross-a'), null, 'a worker never claims another organization''s job');
do $$ begin
  perform pg_temp.new_worker('B', 'w-cross-b', 'img:cross');
  perform pg_temp.new_worker_token('A', 'w-cross-b', 'A token naming B''s worker');
end $$;
update public.workers set last_active_at = now() - interval '1 hour' where id = 'w-cross-b';
select is(pg_temp.claimed('A token naming B''s worker'), null,
  'a worker token of A that names B''s worker id claims nothing');
select is((select last_active_at < now() from public.workers where id = 'w-cross-b'), true,
  'a worker token of A that names B''s worker id does not touch B''s worker row');
select throws_ok($$select pg_temp.as_json('A token naming B''s worker', 'select public.register_worker(''img:cross'')')$$,
  'OWFRB', null, 'a worker token of A cannot take over B''s worker by registering under its id');
select is(pg_temp.claimed('w-cross-b'), 'cross-b', 'B''s own worker claims B''s job');

-- ---------------------------------------------------------------- one run in progress per job
do $$ begin
  perform pg_temp.submit('admin A', 'once', p_image => 'img:once', p_max_attempts => 2);
  perform pg_temp.new_worker('A', 'w-once-1', 'img:once');
  perform pg_temp.new_worker('A', 'w-once-2', 'img:once');
end $$;
select is(pg_temp.claimed('w-once-1'), 'once', 'the first worker claims the job');
select is(pg_temp.claimed('w-once-2'), null, 'a job in progress is never claimed by a second worker');
select throws_ok(
  format($$insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
           values (%L, %L, 'w-once-2', 2, now() + interval '1 minute')$$, (pg_temp.job('once')).id, pg_temp.org('A')),
  '23505', null, 'the partial unique index refuses a second run in progress for one job, even to the superuser');
select is(pg_temp.fail('w-once-1', 'once', 'user_error') ->> 'job_status', 'pending', 'a failed attempt requeues the job');
select is(pg_temp.claim('w-once-2') -> 'attempt', '2'::jsonb, 'the retry is a new run with the next attempt number');
select is((select count(*) from public.runs r where r.job_id = (pg_temp.job('once')).id and r.status = 'in_progress'),
  1::bigint, 'exactly one of the job''s runs is in progress');
select is(pg_temp.claimed('w-once-1'), null, 'the first worker gets nothing while the retry runs elsewhere');

select * from finish();
rollback;
