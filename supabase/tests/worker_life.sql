-- A worker's life as the scaler writes it (migration 20261204021000): create (row + its own token),
-- pod created (ladder reset), the shutdown fence, end (tokens revoked, first reason kept), the
-- cooldown ladder and the spending-limit pause, waiting reasons — each called as the scaler's role
-- (service_role), and refused to the API roles.
begin;
set local search_path = public, extensions;
select plan(41);
\ir helpers/queue.psql

/** Runs p_sql as the scaler does (role service_role) and returns its rows as a jsonb array. */
create function pg_temp.as_scaler(p_sql text) returns jsonb language plpgsql
as $$
declare
  result jsonb;
begin
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
  set local role service_role;
  execute format('with x as (%s) select coalesce(jsonb_agg(to_jsonb(x)), ''[]'') from x', p_sql) into result;
  reset role;
  perform set_config('request.jwt.claims', '', true);
  return result;
end;
$$;

/** The cooldown row of org A for a GPU, as text for comparisons. */
create function pg_temp.cooldown(p_gpu text) returns jsonb language sql
as $$ select to_jsonb(c) - 'organization_id' - 'gpu' - 'updated_at' - 'last_error'
      from public.hardware_cooldowns c where c.organization_id = pg_temp.org('A') and c.gpu = p_gpu $$;

/** One failure at T0 + p_offset seconds, ladder 60, 300, 900 s, the given threshold. */
create function pg_temp.fail_start(p_gpu text, p_kind text, p_offset integer, p_threshold integer default 1)
returns jsonb language sql
as $$ select pg_temp.as_scaler(format(
  'select * from internal.record_provisioning_failure(%L, %L, %L, ''boom'', %L::timestamptz + make_interval(secs => %s), ''{60,300,900}'', %s, 120)',
  pg_temp.org('A'), p_gpu, p_kind, '2026-12-04 00:00:00+00', p_offset, p_threshold)) -> 0 $$;

do $$ begin
  perform pg_temp.new_org('A');
end $$;

-- ---------------------------------------------------------------- create
select is(jsonb_typeof(pg_temp.as_scaler(format(
  $q$select internal.create_scaled_worker('w-new', %L, 'runpod', 'img:1', '1x A100', 'NVIDIA A100', 1, 80, 1.5) as token$q$,
  pg_temp.org('A'))) -> 0 -> 'token'), 'string', 'creating a worker returns its token');
select is((select status::text from public.workers where id = 'w-new'), 'starting', 'the new worker starts as starting');
select is((select count(*)::int from public.api_tokens where worker_id = 'w-new' and role = 'worker' and revoked_at is null), 1,
  'it has exactly one live worker token of its own');
select is((select hardware_type || ' ' || vram_gb || ' ' || cost_per_hour from public.workers where id = 'w-new'),
  '1x A100 80 1.5000', 'its planned hardware, VRAM and price are recorded');
select throws_ok(format($q$select pg_temp.as_scaler('select internal.create_scaled_worker(''w-new'', ''%s'', ''runpod'', ''img:1'', null, null, 0, 0, 0)')$q$,
  pg_temp.org('A')), '23505', null, 'a worker id cannot be created twice');

-- ---------------------------------------------------------------- pod created
insert into public.hardware_cooldowns (organization_id, gpu, level, failures, until)
  values (pg_temp.org('A'), 'A40', 2, 0, now() + interval '1 hour'), (pg_temp.org('A'), 'A100', 1, 0, now() + interval '1 hour');
select is(pg_temp.as_scaler($q$select internal.worker_pod_created('w-new', 'pod-1', 'A40', '1x A40', 'NVIDIA A40', 1, 0.4) as ok$q$) -> 0 -> 'ok',
  'true'::jsonb, 'a created pod is recorded');
select is((select pod_id || ' ' || hardware_type || ' ' || gpu_type || ' ' || cost_per_hour from public.workers where id = 'w-new'),
  'pod-1 1x A40 NVIDIA A40 0.4000', 'with the hardware the fallback got');
select is(pg_temp.cooldown('A40'), null, 'the GPU that started has its ladder reset');
select isnt(pg_temp.cooldown('A100'), null, 'other GPUs keep their cooldowns');

-- ---------------------------------------------------------------- the shutdown fence
do $$ begin
  perform pg_temp.new_worker('A', 'w-busy');
  perform pg_temp.new_worker('A', 'w-idle');
  perform pg_temp.submit('admin A', 'busy-job');
  perform pg_temp.claim('w-busy');
end $$;
select is(pg_temp.as_scaler($q$select internal.request_worker_shutdown('w-busy', 'scaler: idle') as told$q$) -> 0 -> 'told',
  'false'::jsonb, 'a worker with a run in progress is not told to leave');
select is((select status::text || ' ' || shutdown_requested from public.workers where id = 'w-busy'), 'active false',
  'and its row is untouched');
select is(pg_temp.as_scaler($q$select internal.request_worker_shutdown('w-idle', 'scaler: idle') as told$q$) -> 0 -> 'told',
  'true'::jsonb, 'an idle worker is told to leave');
select is((select status::text || ' ' || shutdown_requested || ' ' || shutdown_reason from public.workers where id = 'w-idle'),
  'shutdown true scaler: idle', 'it is in shutdown, with the reason');
select is(pg_temp.as_scaler($q$select internal.request_worker_shutdown('w-idle', 'again') as told$q$) -> 0 -> 'told',
  'true'::jsonb, 'telling it again still answers true (its pod may go)');
select is(pg_temp.as_scaler($q$select internal.request_worker_shutdown('w-nobody', 'x') as told$q$) -> 0 -> 'told',
  'false'::jsonb, 'an unknown worker is not told anything');

-- ---------------------------------------------------------------- end
select is(pg_temp.as_scaler($q$select internal.end_worker('w-idle', 'terminated', 'scaler: gone') as ended$q$) -> 0 -> 'ended',
  'true'::jsonb, 'ending a live worker answers true');
select is((select status::text || ' ' || (terminated_at is not null) || ' ' || shutdown_reason from public.workers where id = 'w-idle'),
  'terminated true again', 'it is terminated, and keeps the reason it was told to leave with');
select is((select count(*)::int from public.api_tokens where worker_id = 'w-idle' and revoked_at is null), 0,
  'its tokens are revoked');
select is(pg_temp.as_scaler($q$select internal.end_worker('w-idle', 'lost', 'later') as ended$q$) -> 0 -> 'ended',
  'false'::jsonb, 'ending it again answers false');
select is((select status::text from public.workers where id = 'w-idle'), 'terminated', 'and does not change how it ended');
select throws_ok($q$select pg_temp.as_scaler('select internal.end_worker(''w-busy'', ''active'', ''x'')')$q$, 'OWVAL', null,
  'active is not an end state');
select is(pg_temp.as_scaler($q$select internal.end_worker('w-busy', 'lost', 'pod vanished') as ended$q$) -> 0 -> 'ended',
  'true'::jsonb, 'a busy worker can be ended as lost');
select is((select status::text from public.runs where worker_id = 'w-busy'), 'in_progress',
  'its run is left to the lease reaper');

-- ---------------------------------------------------------------- the cooldown ladder
select is(pg_temp.fail_start('H100', 'no_capacity', 0) ->> 'until', '2026-12-04T00:01:00+00:00',
  'the first failure (threshold 1) cools the GPU down for the first rung');
select is(pg_temp.cooldown('H100') - 'until', '{"level": 1, "failures": 0}', 'and the level goes up one');
select is(pg_temp.fail_start('H100', 'startup_timeout', 10) ->> 'until', '2026-12-04T00:05:10+00:00',
  'the next failure takes the second rung');
select is(pg_temp.fail_start('H100', 'provider_error', 20) ->> 'until', '2026-12-04T00:15:20+00:00', 'then the third');
select is(pg_temp.fail_start('H100', 'not_accessible', 30) ->> 'until', '2026-12-04T00:15:30+00:00',
  'the last rung repeats');
select is(pg_temp.cooldown('H100') ->> 'level', '4', 'four cooldowns taken');

select is(pg_temp.fail_start('L4', 'no_capacity', 0, 3) - 'scope', '{"level": 0, "failures": 1, "until": null}',
  'below the threshold a failure is only counted');
select is(pg_temp.fail_start('L4', 'no_capacity', 5, 3) ->> 'failures', '2', 'and counted again');
select is(pg_temp.fail_start('L4', 'no_capacity', 9, 3) - 'scope', '{"level": 1, "failures": 0, "until": "2026-12-04T00:01:09+00:00"}',
  'at the threshold the GPU cools down for the FIRST rung (the old CHECK forced level >= 1 and skipped it)');
select is(pg_temp.fail_start('L4', 'no_capacity', 100, 3) - 'scope', '{"level": 1, "failures": 1, "until": null}',
  'after the cooldown expired the counter starts afresh and the level stays');

select is(pg_temp.fail_start('A10', 'rate_limited', 0) -> 'scope', '"none"', 'a rate limit is not the GPU''s fault');
select is(pg_temp.cooldown('A10'), null, 'and writes no cooldown');
select is(pg_temp.fail_start('A10', 'spending_limit', 0) -> 'scope', '"organization"', 'a spending limit pauses the organization');
select is((select provisioning_paused_until from public.organization_limits where organization_id = pg_temp.org('A')),
  '2026-12-04 00:02:00+00'::timestamptz, 'for the configured pause');
select throws_ok($q$select pg_temp.fail_start('A10', 'weird', 0)$q$, 'OWVAL', null, 'an unknown failure kind is refused');

-- ---------------------------------------------------------------- waiting reasons
do $$ begin
  perform pg_temp.submit('admin A', 'waiting-1');
  perform pg_temp.submit('admin A', 'waiting-2');
end $$;
select is(pg_temp.as_scaler(format($q$select internal.note_waiting(array[%L, %L, 'busy-job'], 'waiting: budget') as n$q$,
  (pg_temp.job('waiting-1')).id, (pg_temp.job('waiting-2')).id)) -> 0 -> 'n', '2'::jsonb,
  'waiting reasons are written on pending jobs only');
select is(pg_temp.as_scaler(format($q$select internal.note_waiting(array[%L], 'waiting: budget') as n$q$,
  (pg_temp.job('waiting-1')).id)) -> 0 -> 'n', '0'::jsonb, 'an unchanged reason is not rewritten');

-- ---------------------------------------------------------------- who may call
select ok(not has_function_privilege('authenticated', 'internal.end_worker(text, public.worker_status, text)', 'execute')
  and not has_function_privilege('anon', 'internal.request_worker_shutdown(text, text)', 'execute')
  and not has_function_privilege('authenticated', 'internal.create_scaled_worker(text, uuid, public.provider_name, text, text, text, integer, integer, numeric)', 'execute'),
  'no API role may call the scaler''s worker functions');

select * from finish();
rollback;
