-- Worker logs: only a worker's own token appends to its log (boot or worker lines, bounded), a
-- stopped worker can append nothing more, members read their organization's worker logs and never
-- another's, and nobody writes the table directly.
begin;
set local search_path = public, extensions;
select plan(14);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.new_member_token('B', 'member B');
  -- As the scaler does: the row exists (starting) before the pod boots and posts its first line.
  insert into public.workers (id, organization_id, status, provider, image) values ('wa', pg_temp.org('A'), 'starting', 'runpod', 'img:1');
  perform pg_temp.new_worker_token('A', 'wa');
  perform pg_temp.new_worker('B', 'wb');
end $$;

select is(pg_temp.as_one('wa', $$select public.append_worker_logs('boot', array['ow-boot: downloading', 'ow-boot: verified']) as n$$) ->> 'n',
  '2', 'a worker that has not registered yet appends its boot lines with its own token');
select is(pg_temp.as_one('wb', $$select public.append_worker_logs('worker', array['GPU 0 healthy']) as n$$) ->> 'n',
  '1', 'a registered worker appends worker lines');
select is((select array_agg(line order by id) from public.worker_logs where worker_id = 'wa'),
  array['ow-boot: downloading', 'ow-boot: verified'], 'lines keep their order');

select throws_ok($$select pg_temp.as_json('member A', 'select public.append_worker_logs(''boot'', array[''forged''])')$$,
  'OWFRB', null, 'a member token cannot append worker logs');
select throws_ok($$select pg_temp.as_json('anon', 'select public.append_worker_logs(''boot'', array[''x''])')$$,
  '42501', null, 'anon cannot call the append');
select throws_ok($$select pg_temp.as_json('wa', 'select public.append_worker_logs(''provider'', array[''x''])')$$,
  'OWVAL', null, 'a worker cannot claim its lines came from the provider');
select throws_ok($$select pg_temp.as_json('wa', 'select public.append_worker_logs(''boot'', array[]::text[])')$$,
  'OWVAL', null, 'an empty batch is refused');
select throws_ok($$select pg_temp.as_json('wa', 'select public.append_worker_logs(''boot'', array_fill(''x''::text, array[501]))')$$,
  'OWVAL', null, 'more than 500 lines at once is refused');

select is(jsonb_array_length(pg_temp.as_json('member A', 'select * from public.worker_logs')), 2,
  'a member reads the logs of its organization''s workers');
select is(jsonb_array_length(pg_temp.as_json('member B', $$select * from public.worker_logs where worker_id = 'wa'$$)), 0,
  'a member of another organization reads none of them');
select throws_ok($$select pg_temp.as_json('member A', 'insert into public.worker_logs (worker_id, organization_id, source, line) select id, organization_id, ''boot'', ''forged'' from public.workers where id = ''wa'' returning id')$$,
  '42501', null, 'nobody inserts into the table directly');
select throws_ok($$select pg_temp.as_json('member A', 'delete from public.worker_logs returning id')$$,
  '42501', null, 'nobody deletes worker log lines');

-- A stopped worker's token is revoked: exchange fails, and its claims no longer match a live row.
do $$ begin perform pg_temp.as_json('wb', 'select public.stop_worker(''bye'')'); end $$;
select is((select count(*)::int from public.api_tokens where worker_id = 'wb' and revoked_at is null), 0,
  'stopping a worker revokes the token its pod posts with');
select is((select count(*)::int from public.worker_logs where worker_id = 'wb'), 1,
  'a stopped worker''s log stays readable');

select * from finish();
rollback;
