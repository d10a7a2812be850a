-- submit_job identifies a job by its content: `{type}-{sha256(identity || organization_id)[:12]}`
-- with identity = jsonb of type, image, entrypoint, params, mounts. Resubmitting the same content
-- returns the same job (pending ones take the new scheduling hints), failed and canceled ones are
-- reset to pending, completed ones are returned unless forced. Mounts must name files of the
-- caller's organization.
begin;
set local search_path = public, extensions;
select plan(48);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_worker('A', 'w1', 'img:run');
  perform pg_temp.new_worker_token('A', 'w-not-registered');
end $$;
insert into auth.users (id, email) values
  ('11111111-1111-4111-8111-111111111111', 'member-a@example.com'),
  ('44444444-4444-4444-8444-444444444444', 'nobody@example.com');
insert into public.organization_members (organization_id, user_id, role)
  values (pg_temp.org('A'), '11111111-1111-4111-8111-111111111111', 'member');
insert into pg_temp.who values
  ('user member of A', '{"role": "authenticated", "sub": "11111111-1111-4111-8111-111111111111"}'),
  ('user without organization', '{"role": "authenticated", "sub": "44444444-4444-4444-8444-444444444444"}');
insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values
  ('custom_job_file:file-aaaaaaaaaaaa', pg_temp.org('A'), 'main.py', 'custom_job_file', 10, repeat('a', 64)),
  ('custom_job_file:file-bbbbbbbbbbbb', pg_temp.org('B'), 'main.py', 'custom_job_file', 10, repeat('b', 64));

/** submit_job as p_who with 'custom' / 'img:dedup' / {python,main.py} and p_more arguments. */
create function pg_temp.sub(p_who text, p_params jsonb, p_more text default '', p_image text default 'img:dedup') returns jsonb language sql
as $$
  select pg_temp.as_one(p_who, format(
    'select (job).id, (job).status, (job).requires_vram_gb as vram, (job).priority, created, reset
     from public.submit_job(p_type => ''custom'', p_image => %L, p_entrypoint => ''{python,main.py}'', p_params => %L %s)',
    p_image, p_params, case when p_more = '' then '' else ', ' || p_more end))
$$;
create function pg_temp.id_of(p_who text, p_params jsonb, p_more text default '', p_image text default 'img:dedup') returns text language sql
as $$ select pg_temp.sub(p_who, p_params, p_more, p_image) ->> 'id' $$;
create function pg_temp.flags(p_result jsonb) returns text language sql immutable
as $$ select format('status=%s created=%s reset=%s', p_result ->> 'status', p_result ->> 'created', p_result ->> 'reset') $$;

-- ---------------------------------------------------------------- identity
create temp table first as select pg_temp.sub('admin A', '{"name": "first", "lr": 0.1}') as r;
select is(pg_temp.flags((select r from first)), 'status=pending created=true reset=false', 'a new submission creates a pending job');
select matches((select r ->> 'id' from first), '^custom-[0-9a-f]{12}$', 'the id is {type}-{12 hex digits}');
select is((select r ->> 'id' from first),
  'custom-' || left(encode(extensions.digest(jsonb_build_object('type', 'custom', 'image', 'img:dedup',
    'entrypoint', '["python", "main.py"]'::jsonb, 'params', '{"name": "first", "lr": 0.1}'::jsonb, 'mounts', '{}'::jsonb)::text
    || pg_temp.org('A')::text, 'sha256'), 'hex'), 12),
  'the id is sha256 of the canonical identity json followed by the organization id');
select is((select r ->> 'id' from first),
  public.job_content_id(pg_temp.org('A'), 'custom', 'img:dedup', '{python,main.py}', '{"name": "first", "lr": 0.1}', '{}'),
  'job_content_id computes the same id without submitting');
select is(pg_temp.sub('admin A', '{"name": "first", "lr": 0.1}'),
  (select r || '{"created": false}' from first), 'the same content returns the same job, not created again');
select is(pg_temp.id_of('admin A', '{"lr": 0.1, "name": "first"}'), (select r ->> 'id' from first),
  'the order of keys in params does not change the id');
select is((select count(*) from public.jobs where organization_id = pg_temp.org('A')), 1::bigint,
  'resubmissions leave a single row');
select is(pg_temp.id_of('user member of A', '{"name": "first", "lr": 0.1}'), (select r ->> 'id' from first),
  'a signed-in member of the organization gets the same id as its tokens');
select isnt(pg_temp.id_of('admin A', '{"name": "first", "lr": 0.2}'), (select r ->> 'id' from first),
  'different params give a different id');
select isnt(pg_temp.as_one('admin A', $$select (job).id from public.submit_job('custom', 'img:other', '{python,main.py}', '{"name": "first", "lr": 0.1}')$$) ->> 'id',
  (select r ->> 'id' from first), 'a different image gives a different id');
select isnt(pg_temp.as_one('admin A', $$select (job).id from public.submit_job('custom', 'img:dedup', '{python,other.py}', '{"name": "first", "lr": 0.1}')$$) ->> 'id',
  (select r ->> 'id' from first), 'a different entrypoint gives a different id');
select isnt(pg_temp.as_one('admin A', $$select (job).id from public.submit_job('other', 'img:dedup', '{python,main.py}', '{"name": "first", "lr": 0.1}')$$) ->> 'id',
  (select r ->> 'id' from first), 'a different type gives a different id');
select is(pg_temp.id_of('admin A', '{"name": "first", "lr": 0.1}', 'p_id_suffix => ''v2'''), (select r ->> 'id' from first) || '-v2',
  'an id suffix is appended to the content id');
select throws_ok($$select pg_temp.sub('admin A', '{"name": "first"}', 'p_id_suffix => ''not allowed''')$$, '23514', null,
  'a suffix with characters outside [A-Za-z0-9_.-] is refused');
select throws_ok($$select pg_temp.as_one('admin A', 'select * from public.submit_job(''Not A Type'', ''img:1'', ''{true}'')')$$, '23514', null,
  'a malformed job type is refused');

-- ---------------------------------------------------------------- organizations
create temp table first_b as select pg_temp.sub('admin B', '{"name": "first", "lr": 0.1}') as r;
select isnt((select r ->> 'id' from first_b), (select r ->> 'id' from first),
  'the same content in another organization gets a different id');
select is((select r ->> 'created' from first_b), 'true', 'the other organization''s job is created, not shared');
select throws_ok($$select pg_temp.sub('anon', '{"name": "anon"}')$$, '42501', null, 'anon cannot submit jobs');
select throws_ok($$select pg_temp.sub('w1', '{"name": "worker"}')$$, 'OWFRB', null, 'a worker token cannot submit jobs');
select throws_ok($$select pg_temp.sub('user without organization', '{"name": "nobody"}')$$, 'OWFRB', null,
  'a signed-in user without an organization cannot submit jobs');

-- ---------------------------------------------------------------- pending takes new scheduling hints
select is(pg_temp.sub('admin A', '{"name": "first", "lr": 0.1}',
    'p_requires_vram_gb => 80, p_priority => 5, p_allowed_hardware => ''{"1x H100"}'', p_max_attempts => 7, p_timeout_seconds => 60, p_model => ''org/m'', p_secrets => ''{HF_TOKEN}'''),
  (select r || '{"created": false, "vram": 80, "priority": 5}' from first), 'scheduling hints are not part of the id');
select is(
  (select row(requires_vram_gb, priority, allowed_hardware, max_attempts, timeout_seconds, model, secrets)::text
   from public.jobs where id = (select r ->> 'id' from first)),
  '(80,5,"{""1x H100""}",7,60,org/m,{HF_TOKEN})', 'a pending job takes the newest scheduling hints');

-- ---------------------------------------------------------------- running and completed
create temp table running as select pg_temp.id_of('admin A', '{"name": "running"}', '', 'img:run') as id;
select is(pg_temp.claimed('w1'), 'running', 'fixture: the worker claims the job');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "running"}', 'p_requires_vram_gb => 99', 'img:run')),
  'status=in_progress created=false reset=false', 'a job in progress is returned as it is');
select is((select requires_vram_gb::integer from public.jobs where id = (select id from running)), 24,
  'a job in progress keeps its scheduling hints');
select is(pg_temp.complete('w1', 'running') ->> 'job_status', 'completed', 'fixture: the running job completes');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "running"}', '', 'img:run')), 'status=completed created=false reset=false',
  'a completed job is returned, not run again');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "running"}', 'p_force => true', 'img:run')), 'status=pending created=false reset=true',
  'a forced resubmission of a completed job queues it again');
select is((select row(status, outputs, finished_at, counted_failures, worker_id)::text from public.jobs where id = (select id from running)),
  '(pending,,,0,)', 'the forced job starts over without outputs or finish time');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "running"}', 'p_force => true', 'img:run')), 'status=pending created=false reset=false',
  'forcing a pending job does not reset it again');

-- ---------------------------------------------------------------- failed and canceled are reset
create temp table failing as select pg_temp.id_of('admin A', '{"name": "failing"}', 'p_max_attempts => 1, p_priority => 10', 'img:run') as id;
do $$ begin perform pg_temp.claim('w1'); end $$;
select is(pg_temp.fail('w1', 'failing', 'user_error') ->> 'job_status', 'failed', 'fixture: the job fails');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "failing"}', 'p_max_attempts => 1, p_priority => 10', 'img:run')), 'status=pending created=false reset=true',
  'resubmitting a failed job resets it to pending');
select is((select row(status, counted_failures, lost_runs, failure_kind, failure_message, finished_at, attempts)::text
   from public.jobs where id = (select id from failing)),
  '(pending,0,0,,,,1)', 'the reset clears failure counters and fields but keeps the attempt count for run numbering');
select is(pg_temp.claim('w1') -> 'attempt', '2'::jsonb, 'the reset job''s next run is attempt 2');

create temp table canceled as select pg_temp.id_of('admin A', '{"name": "canceled"}', '', 'img:run') as id;
do $$ begin perform pg_temp.as_json('admin A', format('select public.cancel_job(%L)', (select id from canceled))); end $$;
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "canceled"}', '', 'img:run')), 'status=pending created=false reset=true',
  'resubmitting a canceled job resets it to pending');
select is((select row(status, failure_kind, finished_at)::text from public.jobs where id = (select id from canceled)), '(pending,,)',
  'the reset job carries no cancellation');

-- ---------------------------------------------------------------- mounts
select throws_ok($$select pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-cccccccccccc"}''')$$,
  'OWVAL', null, 'a mount naming a file that does not exist is refused');
select throws_ok($$select pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-bbbbbbbbbbbb"}''')$$,
  'OWVAL', null, 'a mount naming another organization''s file is refused');
select throws_ok($$select pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => ''["custom_job_file:file-aaaaaaaaaaaa"]''')$$,
  'OWVAL', null, 'mounts must be an object');
select throws_ok($$select pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": 42}''')$$,
  'OWVAL', null, 'a mount value must be a file id string');
select throws_ok($$select pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => null')$$,
  'OWVAL', null, 'mounts cannot be null');
select is(pg_temp.flags(pg_temp.sub('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-aaaaaaaaaaaa"}''')),
  'status=pending created=true reset=false', 'a mount of the organization''s own file is accepted');
select isnt(pg_temp.id_of('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-aaaaaaaaaaaa"}'''),
  pg_temp.id_of('admin A', '{"name": "m"}'), 'mounts are part of the id');
select is(pg_temp.id_of('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-aaaaaaaaaaaa"}'''),
  pg_temp.id_of('admin A', '{"name": "m"}', 'p_mounts => ''{"main.py": "custom_job_file:file-aaaaaaaaaaaa"}'''),
  'the same mounts give the same id');

-- ---------------------------------------------------------------- {job_id} in finetuned_model_id
create temp table named as select pg_temp.id_of('admin A', '{"finetuned_model_id": "org/m-{job_id}", "x": 1}') as id;
select is((select params ->> 'finetuned_model_id' from public.jobs where id = (select id from named)),
  'org/m-' || (select id from named), '{job_id} in finetuned_model_id becomes the job''s own id');
select is((select id from named),
  public.job_content_id(pg_temp.org('A'), 'custom', 'img:dedup', '{python,main.py}', '{"finetuned_model_id": "org/m-{job_id}", "x": 1}', '{}'),
  'the id is the hash of the request with the placeholder in it');
select is(pg_temp.id_of('admin A', '{"finetuned_model_id": "org/m-{job_id}", "x": 1}'), (select id from named),
  'the same request deduplicates to the same job');
create temp table fixed_name as select pg_temp.id_of('admin A', '{"finetuned_model_id": "org/m-fixed", "x": 1}') as id;
select is((select params ->> 'finetuned_model_id' from public.jobs where id = (select id from fixed_name)),
  'org/m-fixed', 'a name without the placeholder is stored as given');

select * from finish();
rollback;
