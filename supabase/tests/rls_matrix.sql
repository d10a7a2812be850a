-- Row level security, table by table: every table × every kind of caller × select/insert/update/
-- delete, cross-organization included, plus the column privileges that keep token hashes and
-- secret values out of callers' reach. Each cell runs in a subtransaction that is rolled back, so
-- cells never see each other's writes. Outcomes: 'denied' (SQLSTATE 42501: no privilege, or a
-- row that fails the policy's WITH CHECK), 'rows:N' (rows the statement affected; 0 when the
-- policy hides the rows), and for selects which organizations' rows are visible
-- ('A:all B:none', 'A:1/3' = one of A's three rows).
begin;
set local search_path = public, extensions;
select plan(527);

-- ---------------------------------------------------------------- fixtures (as superuser)
create temp table fx (k text primary key, v text not null);

with o as (select * from internal.bootstrap_organization('Org A'))
insert into fx select 'A', organization_id::text from o union all select 'admin_token_A', token_id::text from o;
with o as (select * from internal.bootstrap_organization('Org B'))
insert into fx select 'B', organization_id::text from o union all select 'admin_token_B', token_id::text from o;

create function pg_temp.fx(p_key text) returns text language sql stable
as $$ select v from pg_temp.fx where k = p_key $$;

insert into fx select 'member_token_A', token_id::text
  from internal.insert_token(pg_temp.fx('A')::uuid, 'member A', 'member', null, null, null, null);
insert into fx select 'member_token_B', token_id::text
  from internal.insert_token(pg_temp.fx('B')::uuid, 'member B', 'member', null, null, null, null);
insert into fx select 'worker_token_A', token_id::text from internal.mint_worker_token(pg_temp.fx('A')::uuid, 'wa-1');

insert into fx values
  ('user_admin_A', '11111111-1111-4111-8111-111111111111'),
  ('user_member_A', '22222222-2222-4222-8222-222222222222'),
  ('user_admin_B', '33333333-3333-4333-8333-333333333333'),
  ('user_outsider', '44444444-4444-4444-8444-444444444444'),
  ('run_A1', 'a1a1a1a1-0000-4000-8000-000000000001'),
  ('run_A3', 'a3a3a3a3-0000-4000-8000-000000000003'),
  ('run_B2', 'b2b2b2b2-0000-4000-8000-000000000002');

insert into auth.users (id, email)
  select pg_temp.fx(k)::uuid, k || '@example.com'
  from unnest(array['user_admin_A', 'user_member_A', 'user_admin_B', 'user_outsider']) k;
insert into public.organization_members (organization_id, user_id, role) values
  (pg_temp.fx('A')::uuid, pg_temp.fx('user_admin_A')::uuid, 'admin'),
  (pg_temp.fx('A')::uuid, pg_temp.fx('user_member_A')::uuid, 'member'),
  (pg_temp.fx('B')::uuid, pg_temp.fx('user_admin_B')::uuid, 'admin');

insert into public.organization_secrets (organization_id, name, encrypted_value) values
  (pg_temp.fx('A')::uuid, 'HF_TOKEN', 'ciphertext-a'),
  (pg_temp.fx('B')::uuid, 'HF_TOKEN', 'ciphertext-b');

insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values
  ('conversations:file-aaaaaaaaaaa1', pg_temp.fx('A')::uuid, 'train.jsonl', 'conversations', 10, repeat('a', 64)),
  ('result:file-aaaaaaaaaaa2', pg_temp.fx('A')::uuid, 'out.json', 'result', 10, repeat('b', 64)),
  ('conversations:file-bbbbbbbbbbb1', pg_temp.fx('B')::uuid, 'train.jsonl', 'conversations', 10, repeat('c', 64));

insert into public.workers (id, organization_id, status, image, vram_gb, last_heartbeat_at) values
  ('wa-1', pg_temp.fx('A')::uuid, 'active', 'img:1', 80, now()),
  ('wa-2', pg_temp.fx('A')::uuid, 'active', 'img:1', 80, now()),
  ('wb-1', pg_temp.fx('B')::uuid, 'active', 'img:1', 80, now());

insert into public.worker_logs (worker_id, organization_id, source, line) values
  ('wa-1', pg_temp.fx('A')::uuid, 'boot', 'ow-boot: downloading'),
  ('wa-2', pg_temp.fx('A')::uuid, 'worker', 'GPU 0 healthy'),
  ('wb-1', pg_temp.fx('B')::uuid, 'boot', 'ow-boot: downloading');

insert into public.jobs (id, organization_id, type, status, image, entrypoint, attempts, worker_id, started_at, finished_at) values
  ('custom-aaaaaaaaaaa1', pg_temp.fx('A')::uuid, 'custom', 'in_progress', 'img:1', '{python,a1.py}', 1, 'wa-1', now(), null),
  ('custom-aaaaaaaaaaa2', pg_temp.fx('A')::uuid, 'custom', 'pending', 'img:1', '{python,a2.py}', 0, null, null, null),
  ('custom-aaaaaaaaaaa3', pg_temp.fx('A')::uuid, 'custom', 'completed', 'img:1', '{python,a3.py}', 1, null, now(), now()),
  ('custom-bbbbbbbbbbb1', pg_temp.fx('B')::uuid, 'custom', 'pending', 'img:1', '{python,b1.py}', 0, null, null, null),
  ('custom-bbbbbbbbbbb2', pg_temp.fx('B')::uuid, 'custom', 'in_progress', 'img:1', '{python,b2.py}', 1, 'wb-1', now(), null);

insert into public.runs (id, job_id, organization_id, worker_id, attempt, status, lease_expires_at, finished_at) values
  (pg_temp.fx('run_A1')::uuid, 'custom-aaaaaaaaaaa1', pg_temp.fx('A')::uuid, 'wa-1', 1, 'in_progress', now() + interval '1 hour', null),
  (pg_temp.fx('run_A3')::uuid, 'custom-aaaaaaaaaaa3', pg_temp.fx('A')::uuid, 'wa-2', 1, 'completed', now(), now()),
  (pg_temp.fx('run_B2')::uuid, 'custom-bbbbbbbbbbb2', pg_temp.fx('B')::uuid, 'wb-1', 1, 'in_progress', now() + interval '1 hour', null);

insert into public.events (run_id, job_id, organization_id, seq, type, data) values
  (pg_temp.fx('run_A1')::uuid, 'custom-aaaaaaaaaaa1', pg_temp.fx('A')::uuid, 0, 'metrics', '{"type": "metrics", "loss": 1}'),
  (pg_temp.fx('run_A3')::uuid, 'custom-aaaaaaaaaaa3', pg_temp.fx('A')::uuid, 0, 'metrics', '{"type": "metrics", "loss": 2}'),
  (pg_temp.fx('run_B2')::uuid, 'custom-bbbbbbbbbbb2', pg_temp.fx('B')::uuid, 0, 'metrics', '{"type": "metrics", "loss": 3}');

insert into public.run_logs (run_id, seq, job_id, organization_id, streams, lines) values
  (pg_temp.fx('run_A1')::uuid, 0, 'custom-aaaaaaaaaaa1', pg_temp.fx('A')::uuid, 'o', '{"hello from A"}'),
  (pg_temp.fx('run_B2')::uuid, 0, 'custom-bbbbbbbbbbb2', pg_temp.fx('B')::uuid, 'e', '{"hello from B"}');

insert into public.hardware_cooldowns (organization_id, gpu, until) values
  (pg_temp.fx('A')::uuid, 'H100', now() + interval '1 hour'),
  (pg_temp.fx('B')::uuid, 'H100', now() + interval '1 hour');

insert into public.keep_warm_state (organization_id, image, gaps_seconds) values
  (pg_temp.fx('A')::uuid, 'img:1', '{60}'),
  (pg_temp.fx('B')::uuid, 'img:1', '{60}');

insert into public.scaling_actions (organization_id, tick_id, kind) values
  (pg_temp.fx('A')::uuid, gen_random_uuid(), 'start_worker'),
  (pg_temp.fx('B')::uuid, gen_random_uuid(), 'start_worker'),
  (null, gen_random_uuid(), 'reap');

-- ---------------------------------------------------------------- callers
create temp table actors (ord integer primary key, name text not null unique, role text not null, claims jsonb not null);
insert into actors values
  (1, 'anon', 'anon', '{"role": "anon"}'),
  (2, 'member token of A', 'authenticated', jsonb_build_object('role', 'authenticated',
     'organization_id', pg_temp.fx('A'), 'token_id', pg_temp.fx('member_token_A'), 'token_role', 'member')),
  (3, 'member token of B', 'authenticated', jsonb_build_object('role', 'authenticated',
     'organization_id', pg_temp.fx('B'), 'token_id', pg_temp.fx('member_token_B'), 'token_role', 'member')),
  (4, 'admin token of A', 'authenticated', jsonb_build_object('role', 'authenticated',
     'organization_id', pg_temp.fx('A'), 'token_id', pg_temp.fx('admin_token_A'), 'token_role', 'admin')),
  (5, 'worker token of A', 'authenticated', jsonb_build_object('role', 'authenticated',
     'organization_id', pg_temp.fx('A'), 'token_id', pg_temp.fx('worker_token_A'), 'token_role', 'worker', 'worker_id', 'wa-1')),
  (6, 'user member of A', 'authenticated', jsonb_build_object('role', 'authenticated', 'sub', pg_temp.fx('user_member_A'))),
  (7, 'user admin of A', 'authenticated', jsonb_build_object('role', 'authenticated', 'sub', pg_temp.fx('user_admin_A'))),
  (8, 'service_role', 'service_role', '{"role": "service_role"}');

-- ---------------------------------------------------------------- helpers
create function pg_temp.part(p_label text, p_seen bigint, p_total bigint) returns text language sql immutable
as $$
  select p_label || ':' || case when p_seen = p_total then 'all' when p_seen = 0 then 'none' else p_seen || '/' || p_total end
$$;

/** Runs p_sql as p_actor ({key} placeholders become fixture literals), rolls it back, says what happened. */
create function pg_temp.run_as(p_actor text, p_sql text) returns text language plpgsql
as $$
declare
  a pg_temp.actors;
  f record;
  stmt text := p_sql;
  n bigint;
begin
  select * into strict a from pg_temp.actors where name = p_actor;
  for f in select k, v from pg_temp.fx loop
    stmt := replace(stmt, '{' || f.k || '}', quote_literal(f.v));
  end loop;
  begin
    perform set_config('request.jwt.claims', a.claims::text, true);
    execute format('set local role %I', a.role);
    execute stmt;
    get diagnostics n = row_count;
    raise exception using errcode = 'OWTST', message = 'rows:' || n;
  exception
    when sqlstate 'OWTST' then return sqlerrm;
    when insufficient_privilege then return 'denied';
    when others then return 'error ' || sqlstate || ': ' || sqlerrm;
  end;
end;
$$;

/** Which organizations' rows of p_table p_actor can select, compared with what exists. */
create function pg_temp.sees(p_actor text, p_table text) returns text language plpgsql
as $$
declare
  a pg_temp.actors;
  col text := case when p_table = 'organizations' then 'id' else 'organization_id' end;
  q text;
  org_a uuid := pg_temp.fx('A')::uuid;
  org_b uuid := pg_temp.fx('B')::uuid;
  total_a bigint; total_b bigint; total_o bigint;
  seen_a bigint; seen_b bigint; seen_o bigint;
begin
  select * into strict a from pg_temp.actors where name = p_actor;
  q := format('select count(*) filter (where %1$I = $1), count(*) filter (where %1$I = $2),
      count(*) filter (where %1$I is null or %1$I not in ($1, $2)) from public.%2$I', col, p_table);
  execute q using org_a, org_b into total_a, total_b, total_o;
  begin
    perform set_config('request.jwt.claims', a.claims::text, true);
    execute format('set local role %I', a.role);
    execute q using org_a, org_b into seen_a, seen_b, seen_o;
    raise exception using errcode = 'OWTST', message = pg_temp.part('A', seen_a, total_a) || ' '
      || pg_temp.part('B', seen_b, total_b)
      || case when total_o > 0 then ' ' || pg_temp.part('other', seen_o, total_o) else '' end;
  exception
    when sqlstate 'OWTST' then return sqlerrm;
    when insufficient_privilege then return 'denied';
    when others then return 'error ' || sqlstate || ': ' || sqlerrm;
  end;
end;
$$;

create function pg_temp.say(p_outcome text) returns text language sql immutable
as $$
  select case
    when p_outcome = 'denied' then 'is denied'
    when p_outcome = 'rows:0' then 'affects no rows'
    when p_outcome like 'rows:%' then 'affects ' || substr(p_outcome, 6) || ' row(s)'
    else 'sees ' || p_outcome end
$$;

-- ---------------------------------------------------------------- the matrix
-- Statements act on organization A's rows; for 'member token of B' that is the cross-organization case.
create temp table stmts (tbl text, op text, sql text, primary key (tbl, op));
insert into stmts values
  ('organizations', 'insert', $$insert into public.organizations (name) values ('new org')$$),
  ('organizations', 'update', $$update public.organizations set name = 'renamed' where id = {A}$$),
  ('organizations', 'delete', $$delete from public.organizations where id = {A}$$),
  ('organization_members', 'insert', $$insert into public.organization_members (organization_id, user_id, role) values ({A}, {user_outsider}, 'member')$$),
  ('organization_members', 'update', $$update public.organization_members set role = 'admin' where organization_id = {A} and user_id = {user_member_A}$$),
  ('organization_members', 'delete', $$delete from public.organization_members where organization_id = {A} and user_id = {user_member_A}$$),
  ('organization_limits', 'insert', $$insert into public.organization_limits (organization_id, max_workers) values ({A}, 9) on conflict (organization_id) do update set max_workers = 9$$),
  ('organization_limits', 'update', $$update public.organization_limits set max_workers = 9 where organization_id = {A}$$),
  ('organization_limits', 'delete', $$delete from public.organization_limits where organization_id = {A}$$),
  ('api_tokens', 'insert', $$insert into public.api_tokens (organization_id, name, prefix, token_hash, role) values ({A}, 'forged', 'ow_abcdefgh', repeat('0', 64), 'admin')$$),
  ('api_tokens', 'update', $$update public.api_tokens set revoked_at = now() where organization_id = {A}$$),
  ('api_tokens', 'delete', $$delete from public.api_tokens where organization_id = {A}$$),
  ('organization_secrets', 'insert', $$insert into public.organization_secrets (organization_id, name, encrypted_value) values ({A}, 'WANDB_API_KEY', 'ciphertext')$$),
  ('organization_secrets', 'update', $$update public.organization_secrets set encrypted_value = 'other' where organization_id = {A} and name = 'HF_TOKEN'$$),
  ('organization_secrets', 'delete', $$delete from public.organization_secrets where organization_id = {A} and name = 'HF_TOKEN'$$),
  ('files', 'insert', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('conversations:file-cccccccccccc', {A}, 'new.jsonl', 'conversations', 1, repeat('d', 64))$$),
  ('files', 'update', $$update public.files set filename = 'renamed.jsonl' where organization_id = {A}$$),
  ('files', 'delete', $$delete from public.files where id = 'conversations:file-aaaaaaaaaaa1'$$),
  ('workers', 'insert', $$insert into public.workers (id, organization_id, image) values ('forged-worker', {A}, 'img:1')$$),
  ('workers', 'update', $$update public.workers set shutdown_requested = true where organization_id = {A}$$),
  ('workers', 'delete', $$delete from public.workers where organization_id = {A}$$),
  ('jobs', 'insert', $$insert into public.jobs (id, organization_id, type, image, entrypoint) values ('custom-cccccccccccc', {A}, 'custom', 'img:1', '{true}')$$),
  ('jobs', 'update', $$update public.jobs set entrypoint = '{rm,-rf,/}' where organization_id = {A}$$),
  ('jobs', 'delete', $$delete from public.jobs where organization_id = {A}$$),
  ('runs', 'insert', $$insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at) values ('custom-aaaaaaaaaaa2', {A}, 'wa-1', 1, now() + interval '1 hour')$$),
  ('runs', 'update', $$update public.runs set lease_expires_at = now() + interval '1 day' where organization_id = {A}$$),
  ('runs', 'delete', $$delete from public.runs where organization_id = {A}$$),
  ('events', 'insert', $$insert into public.events (run_id, job_id, organization_id, seq, data) values ({run_A1}, 'custom-aaaaaaaaaaa1', {A}, 99, '{}')$$),
  ('events', 'update', $$update public.events set data = '{"forged": true}' where organization_id = {A}$$),
  ('events', 'delete', $$delete from public.events where organization_id = {A}$$),
  ('run_logs', 'insert', $$insert into public.run_logs (run_id, seq, job_id, organization_id, streams, lines) values ({run_A1}, 99, 'custom-aaaaaaaaaaa1', {A}, 'o', '{forged}')$$),
  ('run_logs', 'update', $$update public.run_logs set lines = '{forged}' where organization_id = {A}$$),
  ('run_logs', 'delete', $$delete from public.run_logs where organization_id = {A}$$),
  ('hardware_cooldowns', 'insert', $$insert into public.hardware_cooldowns (organization_id, gpu, until) values ({A}, 'A100', now())$$),
  ('hardware_cooldowns', 'update', $$update public.hardware_cooldowns set until = now() where organization_id = {A}$$),
  ('hardware_cooldowns', 'delete', $$delete from public.hardware_cooldowns where organization_id = {A}$$),
  ('keep_warm_state', 'insert', $$insert into public.keep_warm_state (organization_id, image) values ({A}, 'img:2')$$),
  ('keep_warm_state', 'update', $$update public.keep_warm_state set gaps_seconds = '{}' where organization_id = {A}$$),
  ('keep_warm_state', 'delete', $$delete from public.keep_warm_state where organization_id = {A}$$),
  ('scaling_actions', 'insert', $$insert into public.scaling_actions (organization_id, tick_id, kind) values ({A}, gen_random_uuid(), 'forged')$$),
  ('scaling_actions', 'update', $$update public.scaling_actions set outcome = 'failed' where organization_id = {A}$$),
  ('scaling_actions', 'delete', $$delete from public.scaling_actions where organization_id = {A}$$),
  ('worker_logs', 'insert', $$insert into public.worker_logs (worker_id, organization_id, source, line) values ('wa-1', {A}, 'boot', 'forged')$$),
  ('worker_logs', 'update', $$update public.worker_logs set line = 'forged' where organization_id = {A}$$),
  ('worker_logs', 'delete', $$delete from public.worker_logs where organization_id = {A}$$);

-- Expected outcome per caller, in actors order:
--   anon, member token A, member token B, admin token A, worker token A, user member A, user admin A, service_role
create temp table expect (ord serial, tbl text, op text, outcomes text[], primary key (tbl, op));
insert into expect (tbl, op, outcomes) values
  ('organizations', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:all B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('organizations', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('organizations', 'update', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('organizations', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('organization_members', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('organization_members', 'insert', '{denied,denied,denied,rows:1,denied,denied,rows:1,rows:1}'),
  ('organization_members', 'update', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('organization_members', 'delete', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('organization_limits', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('organization_limits', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('organization_limits', 'update', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('organization_limits', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('api_tokens', 'select', '{denied,"A:1/3 B:none","A:none B:1/2","A:all B:none","A:1/3 B:none","A:none B:none","A:all B:none","A:all B:all"}'),
  ('api_tokens', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('api_tokens', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:3}'),
  ('api_tokens', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:3}'),
  ('organization_secrets', 'select', '{denied,"A:none B:none","A:none B:none","A:all B:none","A:none B:none","A:none B:none","A:all B:none","A:all B:all"}'),
  ('organization_secrets', 'insert', '{denied,denied,denied,rows:1,denied,denied,rows:1,rows:1}'),
  ('organization_secrets', 'update', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('organization_secrets', 'delete', '{denied,rows:0,rows:0,rows:1,rows:0,rows:0,rows:1,rows:1}'),
  ('files', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('files', 'insert', '{denied,rows:1,denied,rows:1,denied,rows:1,rows:1,rows:1}'),
  ('files', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('files', 'delete', '{denied,rows:1,rows:0,rows:1,rows:0,rows:1,rows:1,rows:1}'),
  ('workers', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:1/2 B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('workers', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('workers', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('workers', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('jobs', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:1/3 B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('jobs', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('jobs', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:3}'),
  ('jobs', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:3}'),
  ('runs', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:1/2 B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('runs', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('runs', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('runs', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('events', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('events', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('events', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('events', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('run_logs', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('run_logs', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('run_logs', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('run_logs', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('hardware_cooldowns', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('hardware_cooldowns', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('hardware_cooldowns', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('hardware_cooldowns', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('keep_warm_state', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('keep_warm_state', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('keep_warm_state', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('keep_warm_state', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('scaling_actions', 'select', '{denied,"A:all B:none other:none","A:none B:all other:none","A:all B:none other:none","A:none B:none other:none","A:all B:none other:none","A:all B:none other:none","A:all B:all other:all"}'),
  ('scaling_actions', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('scaling_actions', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('scaling_actions', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  -- Workers append through append_worker_logs (worker_logs.sql); members read, nobody writes.
  ('worker_logs', 'select', '{denied,"A:all B:none","A:none B:all","A:all B:none","A:none B:none","A:all B:none","A:all B:none","A:all B:all"}'),
  ('worker_logs', 'insert', '{denied,denied,denied,denied,denied,denied,denied,rows:1}'),
  ('worker_logs', 'update', '{denied,denied,denied,denied,denied,denied,denied,rows:2}'),
  ('worker_logs', 'delete', '{denied,denied,denied,denied,denied,denied,denied,rows:2}');

select is(
  (select count(*) from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
     and c.relname not in (select tbl from expect)),
  0::bigint, 'the matrix covers every table in public');
select is(
  (select string_agg(c.relname, ', ') from pg_class c
   where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and not c.relrowsecurity),
  null, 'every table in public has row level security enabled');

create function pg_temp.matrix() returns setof text language plpgsql
as $$
declare
  e record;
  got text;
begin
  for e in
    select x.tbl, x.op, s.sql, a.name as actor, x.outcomes[a.ord] as want
    from expect x join actors a on true left join stmts s on s.tbl = x.tbl and s.op = x.op
    order by x.ord, a.ord
  loop
    got := case when e.op = 'select' then pg_temp.sees(e.actor, e.tbl) else pg_temp.run_as(e.actor, e.sql) end;
    return next is(got, e.want, format('%s: %s on %s %s', e.actor, e.op, e.tbl, pg_temp.say(e.want)));
  end loop;
end;
$$;
select * from pg_temp.matrix();

-- ---------------------------------------------------------------- column privileges
select column_privs_are('public', 'api_tokens', 'token_hash', 'authenticated', '{}',
  'authenticated has no privilege at all on api_tokens.token_hash');
select column_privs_are('public', 'organization_secrets', 'encrypted_value', 'authenticated', '{INSERT,UPDATE}',
  'authenticated may only write organization_secrets.encrypted_value, never read it');
select is(pg_temp.run_as('admin token of A', 'select token_hash from public.api_tokens'), 'denied',
  'an admin token cannot read token hashes');
select is(pg_temp.run_as('user admin of A', 'select token_hash from public.api_tokens'), 'denied',
  'a signed-in admin cannot read token hashes');
select is(pg_temp.run_as('member token of A', 'select token_hash from public.api_tokens where id = {member_token_A}'), 'denied',
  'a token cannot read its own hash');
select is(pg_temp.run_as('admin token of A', 'select * from public.api_tokens'), 'denied',
  'select * on api_tokens is denied because it includes token_hash');
select is(pg_temp.run_as('admin token of A', 'select id, name, prefix, role, revoked_at from public.api_tokens'), 'rows:3',
  'an admin token lists its organization''s tokens without their hashes');
select is(pg_temp.run_as('admin token of A', 'select encrypted_value from public.organization_secrets'), 'denied',
  'an admin token cannot read secret values');
select is(pg_temp.run_as('user admin of A', 'select encrypted_value from public.organization_secrets'), 'denied',
  'a signed-in admin cannot read secret values');
select is(pg_temp.run_as('admin token of A', 'select name from public.organization_secrets'), 'rows:1',
  'an admin token lists secret names');
select is(pg_temp.run_as('service_role', 'select token_hash from public.api_tokens'), 'rows:5',
  'service_role reads token hashes (exchange runs with its rights)');
select is(pg_temp.run_as('admin token of A', $$update public.organization_secrets set name = 'RENAMED' where organization_id = {A}$$), 'denied',
  'an admin cannot rename a secret (only its value is writable)');
select is(pg_temp.run_as('admin token of A', $$update public.organization_limits set provisioning_paused_until = now() where organization_id = {A}$$), 'denied',
  'an admin cannot set provisioning_paused_until (the scaler''s column)');
select is(pg_temp.run_as('admin token of A', $$update public.organizations set created_at = now() where id = {A}$$), 'denied',
  'an admin can rename the organization but not rewrite created_at');
select is(pg_temp.run_as('user admin of A', $$update public.organization_members set user_id = {user_outsider} where organization_id = {A} and user_id = {user_member_A}$$), 'denied',
  'an admin can change a member''s role but not swap the user');
select is(pg_temp.run_as('admin token of A', $$update public.organization_members set organization_id = {B} where organization_id = {A} and user_id = {user_member_A}$$), 'denied',
  'an admin cannot move a membership to another organization');

-- ---------------------------------------------------------------- cross-organization writes by admins of A
select is(pg_temp.run_as('admin token of A', $$update public.organizations set name = 'pwned' where id = {B}$$), 'rows:0',
  'an admin token of A cannot rename organization B');
select is(pg_temp.run_as('admin token of A', $$insert into public.organization_members (organization_id, user_id) values ({B}, {user_outsider})$$), 'denied',
  'an admin token of A cannot add members to B');
select is(pg_temp.run_as('admin token of A', $$insert into public.organization_members (organization_id, user_id, role) values ({B}, {user_admin_A}, 'admin')$$), 'denied',
  'an admin token of A cannot make A''s admin an admin of B');
select is(pg_temp.run_as('admin token of A', $$update public.organization_members set role = 'member' where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot change roles in B');
select is(pg_temp.run_as('admin token of A', $$delete from public.organization_members where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot remove B''s members');
select is(pg_temp.run_as('admin token of A', $$update public.organization_limits set max_workers = 1000 where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot change B''s limits');
select is(pg_temp.run_as('admin token of A', $$insert into public.organization_secrets (organization_id, name, encrypted_value) values ({B}, 'X', 'y')$$), 'denied',
  'an admin token of A cannot add secrets to B');
select is(pg_temp.run_as('admin token of A', $$update public.organization_secrets set encrypted_value = 'y' where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot overwrite B''s secrets');
select is(pg_temp.run_as('admin token of A', $$delete from public.organization_secrets where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot delete B''s secrets');
select is(pg_temp.run_as('admin token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('conversations:file-dddddddddddd', {B}, 'x', 'conversations', 1, repeat('e', 64))$$), 'denied',
  'an admin token of A cannot add files to B');
select is(pg_temp.run_as('admin token of A', $$delete from public.files where organization_id = {B}$$), 'rows:0',
  'an admin token of A cannot delete B''s files');
select is(pg_temp.run_as('user admin of A', $$update public.organizations set name = 'pwned' where id = {B}$$), 'rows:0',
  'a signed-in admin of A cannot rename organization B');
select is(pg_temp.run_as('user admin of A', $$insert into public.organization_members (organization_id, user_id) values ({B}, {user_outsider})$$), 'denied',
  'a signed-in admin of A cannot add members to B');
select is(pg_temp.run_as('user admin of A', $$insert into public.organization_secrets (organization_id, name, encrypted_value) values ({B}, 'X', 'y')$$), 'denied',
  'a signed-in admin of A cannot add secrets to B');
select is(pg_temp.run_as('user admin of A', $$delete from public.files where organization_id = {B}$$), 'rows:0',
  'a signed-in admin of A cannot delete B''s files');
select is(pg_temp.run_as('member token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('conversations:file-dddddddddddd', {B}, 'x', 'conversations', 1, repeat('e', 64))$$), 'denied',
  'a member token of A cannot add files to B');

-- ---------------------------------------------------------------- workers and files
select is(pg_temp.run_as('worker token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('result:file-eeeeeeeeeeee', {A}, 'out.json', 'result', 1, repeat('f', 64))$$), 'rows:1',
  'a worker token uploads result files to its organization');
select is(pg_temp.run_as('worker token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('checkpoint:file-eeeeeeeeeeee', {A}, 'ckpt', 'checkpoint', 1, repeat('f', 64))$$), 'rows:1',
  'a worker token uploads checkpoint files to its organization');
select is(pg_temp.run_as('worker token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('result:file-eeeeeeeeeeee', {B}, 'out.json', 'result', 1, repeat('f', 64))$$), 'denied',
  'a worker token of A cannot upload files to B');
select is(pg_temp.run_as('worker token of A', $$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values ('custom_job_file:file-eeeeeeeeeeee', {A}, 'x.py', 'custom_job_file', 1, repeat('f', 64))$$), 'denied',
  'a worker token cannot upload job code (only outputs)');
select is(pg_temp.run_as('worker token of A', $$select id from public.jobs where id = 'custom-aaaaaaaaaaa2'$$), 'rows:0',
  'a worker token cannot read pending jobs it has not claimed');
select is(pg_temp.run_as('worker token of A', $$select id from public.jobs where id = 'custom-aaaaaaaaaaa1'$$), 'rows:1',
  'a worker token reads the job it is running');
select is(pg_temp.run_as('worker token of A', $$select id from public.workers where id = 'wa-2'$$), 'rows:0',
  'a worker token cannot read its sibling workers');
select is(pg_temp.run_as('worker token of A', $$select name from public.organization_secrets$$), 'rows:0',
  'a worker token sees no secret names');

-- ---------------------------------------------------------------- outsiders
select is(pg_temp.run_as('anon', 'select 1 from public.jobs'), 'denied', 'anon cannot query jobs at all');
create function pg_temp.outsider_sees() returns text language plpgsql
as $$
declare
  n bigint := 0;
  t text;
  c bigint;
  tables text[] := array(select tbl from pg_temp.expect where op = 'select' and tbl not in ('api_tokens', 'organization_secrets'));
begin
  perform set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'sub', pg_temp.fx('user_outsider'))::text, true);
  set local role authenticated;
  foreach t in array tables loop
    execute format('select count(*) from public.%I', t) into c;
    n := n + c;
  end loop;
  execute 'select count(*) from public.api_tokens where id is not null' into c;
  n := n + c;
  execute 'select count(*) from public.organization_secrets where name is not null' into c;
  n := n + c;
  reset role;
  return n::text;
end;
$$;
select is(pg_temp.outsider_sees(), '0', 'a signed-in user without memberships sees no row of any table');
select is(pg_temp.run_as('member token of B', $$select id from public.jobs where id like 'custom-a%'$$), 'rows:0',
  'a member token of B cannot read A''s jobs even by id');
select is(pg_temp.run_as('member token of B', $$select id from public.runs where id = {run_A1}$$), 'rows:0',
  'a member token of B cannot read A''s runs by id');
select is(
  pg_temp.run_as('member token of B', $$select 1 from public.events e join public.run_logs l using (run_id) where e.organization_id = {A}$$),
  'rows:0', 'a member token of B cannot join its way into A''s events and logs');

select * from finish();
rollback;
