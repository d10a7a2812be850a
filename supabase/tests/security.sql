-- Issue 11's rules, in SQL and as the real roles: the functions' login role has no rights of its
-- own beyond switching role; a dead token's claims do nothing; revocation cascades; platform and
-- admin-only secrets stay out of members' jobs; unknown-token guesses are rate limited; a run
-- token reads only its own job; file ids are unique per organization only.
begin;
set local search_path = public, extensions;
select plan(27);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.new_worker('A', 'wA', 'img:sec');
end $$;

-- ---------------------------------------------------------------- the functions' login role
select is((select (rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolbypassrls)::text from pg_roles
  where rolname = 'openweights_functions'), '(f,f,f,f,f)',
  'the functions'' role is no superuser, inherits nothing, creates nothing, bypasses no RLS');
select is((select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'openweights_functions'),
  0::bigint, 'it owns no table');
select is((select array_agg(b.rolname order by b.rolname) from pg_auth_members m join pg_roles a on a.oid = m.member
  join pg_roles b on b.oid = m.roleid where a.rolname = 'openweights_functions'),
  array['anon', 'authenticated', 'service_role']::name[], 'it can switch to anon, authenticated and service_role only');
select throws_ok('set local role openweights_functions; select count(*) from public.jobs', '42501', null,
  'before switching role it reads no table');
reset role;
select lives_ok('set local role openweights_functions; set local role authenticated; set local role openweights_functions; set local role service_role',
  'it switches to authenticated and to service_role');
reset role;
select throws_ok($$set local role anon; select * from public.exchange_api_token_limited(repeat('0', 64), 's', 'p')$$,
  '42501', null, 'anon cannot exchange tokens (PostgREST would expose it past the api''s limit)');
reset role;
select throws_ok($$set local role authenticated; select * from public.exchange_api_token(repeat('0', 64))$$,
  '42501', null, 'authenticated cannot call the unlimited exchange either');
reset role;

-- ---------------------------------------------------------------- a dead credential does nothing
do $$ begin
  perform pg_temp.as_json('admin A', 'select * from public.create_api_token(''child'', ''admin'')');
  insert into pg_temp.who select 'child', jsonb_build_object('role', 'authenticated', 'organization_id', t.organization_id,
    'token_id', t.id, 'token_role', 'admin') from public.api_tokens t where t.name = 'child';
  perform pg_temp.as_json('child', 'select * from public.create_api_token(''grandchild'', ''member'')');
  perform pg_temp.as_json('admin A', format('select public.revoke_api_token(%L)', (select id from public.api_tokens where name = 'child')));
end $$;
select throws_ok($$select pg_temp.as_json('child', 'select * from public.create_api_token(''escape'', ''admin'')')$$,
  'OWREV', null, 'a revoked token''s claims cannot mint a token');
select throws_ok(format('select internal.assert_live_credential(%L)', pg_temp.claims_of('child')), 'OWREV', null,
  'assert_live_credential refuses a revoked token''s claims');
select isnt((select revoked_at from public.api_tokens where name = 'grandchild'), null,
  'revoking a token revokes the tokens it minted');
select is((select revoked_at from public.api_tokens where id = (pg_temp.claims_of('admin A') ->> 'token_id')::uuid), null,
  'and not the token that minted it');
update public.api_tokens set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
  where id = (pg_temp.claims_of('member A') ->> 'token_id')::uuid;
select throws_ok(format('select internal.assert_live_credential(%L)', pg_temp.claims_of('member A')), 'OWEXP', null,
  'an expired token''s claims are refused');
update public.api_tokens set expires_at = null where id = (pg_temp.claims_of('member A') ->> 'token_id')::uuid;
select lives_ok(format('select internal.assert_live_credential(%L)', pg_temp.claims_of('admin A')),
  'a live token''s claims pass');

-- ---------------------------------------------------------------- secrets in jobs
insert into public.organization_secrets (organization_id, name, encrypted_value, member_usable) values
  (pg_temp.org('A'), 'RUNPOD_API_KEY', 'sealed', true),
  (pg_temp.org('A'), 'HF_TOKEN', 'sealed', false),
  (pg_temp.org('A'), 'WANDB_API_KEY', 'sealed', true);
create function pg_temp.submit_with(p_who text, p_secret text) returns text language sql
as $$
  select pg_temp.as_one(p_who, format('select (job).id from public.submit_job(p_type => ''custom'', p_image => ''img:sec'',
    p_entrypoint => ''{true}'', p_params => %L, p_requires_vram_gb => 0, p_secrets => %L)',
    jsonb_build_object('secret', p_secret), array[p_secret])) ->> 'id'
$$;
select throws_ok($$select pg_temp.submit_with('admin A', 'RUNPOD_API_KEY')$$, 'OWVAL', null,
  'not even an admin may declare RUNPOD_API_KEY');
select throws_ok($$select pg_temp.submit_with('admin A', 'OW_SECRETS_KEY')$$, 'OWVAL', null,
  'nor any OW_ name');
select throws_ok($$select pg_temp.submit_with('member A', 'HF_TOKEN')$$, 'OWFRB', null,
  'a member may not declare an admin-only secret');
select throws_ok($$select pg_temp.submit_with('member A', 'NEVER_SET')$$, 'OWFRB', null,
  'nor a secret that does not exist');
select isnt(pg_temp.submit_with('member A', 'WANDB_API_KEY'), null, 'a member declares a member_usable secret');
select isnt(pg_temp.submit_with('admin A', 'HF_TOKEN'), null, 'an admin declares an admin-only secret');
select is((select array_agg(name) from internal.job_secrets(pg_temp.org('A'), array['RUNPOD_API_KEY', 'HF_TOKEN'])),
  array['HF_TOKEN'], 'the claim''s secret reader never returns a platform secret');

-- ---------------------------------------------------------------- failed guesses
create function pg_temp.guess(p_source text) returns text language plpgsql
as $$
declare
  outcome text;
begin
  set local role openweights_functions;
  select x.outcome into outcome
    from public.exchange_api_token_limited(encode(extensions.gen_random_bytes(32), 'hex'), p_source, 'ow_' || p_source) x;
  reset role;
  return outcome;
end;
$$;
select is((select count(*) from generate_series(1, 20) where pg_temp.guess('10.0.0.1') = 'invalid'), 20::bigint,
  '20 unknown tokens from one source are answered invalid');
select throws_ok($$select pg_temp.guess('10.0.0.1')$$, 'OWLIM', null, 'the 21st within the minute is refused');
reset role;
select is(pg_temp.guess('10.0.0.2'), 'invalid', 'another source is not affected');

-- ---------------------------------------------------------------- a run token reads its own job
do $$ begin
  perform pg_temp.new_worker('A', 'wR', 'img:run');
  perform pg_temp.submit('admin A', 'own', 'img:run');
  perform pg_temp.submit('admin A', 'other', 'img:elsewhere');
  perform pg_temp.claim('wR');
  insert into pg_temp.who select 'run token', jsonb_build_object('role', 'authenticated', 'organization_id', pg_temp.org('A'),
    'token_role', 'run', 'run_id', r.id, 'job_id', r.job_id) from public.runs r where r.job_id = (pg_temp.job('own')).id;
end $$;
select is(pg_temp.as_json('run token', 'select params ->> ''name'' as n from public.jobs order by 1'), '[{"n": "own"}]'::jsonb,
  'a run token sees its own job and no other');
select throws_ok($$select pg_temp.as_json('run token', 'select * from public.submit_job(p_type => ''custom'', p_image => ''img:sec'', p_entrypoint => ''{true}'')')$$,
  'OWFRB', null, 'a run token submits nothing');
select throws_ok(format('select pg_temp.as_json(''run token'', %L)', format('select public.cancel_job(%L)', (pg_temp.job('own')).id)),
  'OWNFD', null, 'a run token cancels nothing, not even its own job');

-- ---------------------------------------------------------------- file ids per organization
insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values
  ('custom_job_file:file-000000000abc', pg_temp.org('A'), 'a', 'custom_job_file', 1, repeat('a', 64));
select lives_ok(format($$insert into public.files (id, organization_id, filename, purpose, bytes, sha256) values
  ('custom_job_file:file-000000000abc', %L, 'b', 'custom_job_file', 1, repeat('b', 64))$$, pg_temp.org('B')),
  'the same file id may exist in two organizations');

select * from finish();
rollback;
