-- keep_warm_state: the scaler's learned keep-warm memory (arrival gaps per organization × image).
-- Members read their own organization's rows and write none; the scaler (service_role) writes
-- them through internal.save_keep_warm; the snapshot carries the rows, the jobs that arrived since
-- each row's last arrival, and each pending job's type and timeout.
begin;
set local search_path = public, extensions;
select plan(16);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
end $$;

create function pg_temp.save(p_org text, p_image text, p_gaps float8[], p_last timestamptz) returns void language plpgsql
as $$
declare
  o uuid := pg_temp.org(p_org);
begin
  set local role service_role;
  perform internal.save_keep_warm(o, p_image, p_gaps, internal.epoch_ms(p_last));
  reset role;
end;
$$;

create function pg_temp.snapshot() returns jsonb language plpgsql
as $$
declare
  s jsonb;
begin
  set local role service_role;
  s := internal.scaling_snapshot();
  reset role;
  return s;
end;
$$;

-- ---------------------------------------------------------------- the scaler writes
select lives_ok($$select pg_temp.save('A', 'img:kw', '{10,20}', now() - interval '1 hour')$$,
  'service_role saves learned gaps through internal.save_keep_warm');
select is((select gaps_seconds from public.keep_warm_state where organization_id = pg_temp.org('A')),
  '{10,20}'::float8[], 'the gaps are stored as given');
select lives_ok($$select pg_temp.save('A', 'img:kw', '{10,20,30}', now() - interval '2 hours')$$,
  'a later save replaces the gaps');
select is((select row(gaps_seconds, last_arrival_at)::text from public.keep_warm_state where organization_id = pg_temp.org('A')),
  row('{10,20,30}'::float8[], now() - interval '1 hour')::text,
  'the last arrival never moves backwards (a stale save cannot unlearn arrivals)');
select lives_ok($$select pg_temp.save('B', 'img:kw', (select array_agg(g::float8) from generate_series(1, 300) g), now() - interval '1 hour')$$,
  'a save with too many gaps is accepted');
select is((select row(cardinality(gaps_seconds), gaps_seconds[1])::text from public.keep_warm_state where organization_id = pg_temp.org('B')),
  '(256,45)', 'only the 256 most recent gaps are kept');

-- ---------------------------------------------------------------- callers
select is(pg_temp.as_json('member A', 'select image from public.keep_warm_state'), '[{"image": "img:kw"}]'::jsonb,
  'a member reads its own organization''s learned state, not another''s');
select throws_ok(format($$select pg_temp.as_json('admin A', 'insert into public.keep_warm_state (organization_id, image) values (''%s'', ''img:x'') returning image')$$, pg_temp.org('A')),
  '42501', null, 'an admin cannot write learned state');
select throws_ok($$select pg_temp.as_json('admin A', 'update public.keep_warm_state set gaps_seconds = ''{}'' returning image')$$,
  '42501', null, 'an admin cannot rewrite learned state');
select throws_ok($$select pg_temp.as_json('admin A', format('select internal.save_keep_warm(%L, ''img:kw'', ''{1}'', 0)', pg_temp.org('A')))$$,
  '42501', null, 'an admin cannot call the scaler''s save function');
select throws_ok($$select pg_temp.as_json('anon', 'select * from public.keep_warm_state')$$,
  '42501', null, 'anon cannot read learned state');

-- ---------------------------------------------------------------- the snapshot
do $$ begin
  perform pg_temp.submit('admin A', 'kw-1', p_image => 'img:kw', p_timeout => 600);
  perform pg_temp.submit('admin A', 'kw-2', p_image => 'img:kw');
  perform pg_temp.submit('admin B', 'kw-other', p_image => 'img:new');
end $$;
select is((select x -> 'gapsSeconds' from jsonb_array_elements(pg_temp.snapshot() -> 'keepWarm') x
   where x ->> 'organizationId' = pg_temp.org('A')::text), '[10, 20, 30]'::jsonb,
  'the snapshot carries the learned gaps');
select is((select jsonb_array_length(x -> 'createdAt') from jsonb_array_elements(pg_temp.snapshot() -> 'arrivals') x
   where x ->> 'organizationId' = pg_temp.org('A')::text and x ->> 'image' = 'img:kw'), 2,
  'the snapshot carries the jobs that arrived since the last arrival learned');
select is((select jsonb_array_length(x -> 'createdAt') from jsonb_array_elements(pg_temp.snapshot() -> 'arrivals') x
   where x ->> 'organizationId' = pg_temp.org('B')::text and x ->> 'image' = 'img:new'), 1,
  'an organization × image without learned state gets its recent arrivals too');
select is((select x ->> 'timeoutSeconds' || ' ' || (x ->> 'jobType') from jsonb_array_elements(pg_temp.snapshot() -> 'pendingJobs') x
   where x ->> 'id' = (pg_temp.job('kw-1')).id), '600 custom',
  'pending jobs carry their type and timeout');
select pg_temp.save('A', 'img:kw', '{10,20,30,0}', now());
select is((select count(*) from jsonb_array_elements(pg_temp.snapshot() -> 'arrivals') x
   where x ->> 'organizationId' = pg_temp.org('A')::text), 0::bigint,
  'arrivals already learned are not handed out again');

select * from finish();
rollback;
