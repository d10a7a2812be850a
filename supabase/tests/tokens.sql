-- API tokens: only a hash is stored; exchange tells ok / revoked / expired / invalid apart and
-- records last use (throttled); only admins mint, never a token with more rights or a later
-- expiry than their own; worker tokens mint nothing; stopping a worker revokes its tokens; and an
-- organization always keeps an admin member.
begin;
set local search_path = public, extensions;
select plan(44);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.new_worker('A', 'w1');
end $$;
insert into auth.users (id, email) values
  ('11111111-1111-4111-8111-111111111111', 'founder@example.com'),
  ('22222222-2222-4222-8222-222222222222', 'cofounder@example.com');
insert into pg_temp.who values
  ('founder', '{"role": "authenticated", "sub": "11111111-1111-4111-8111-111111111111"}'),
  ('cofounder', '{"role": "authenticated", "sub": "22222222-2222-4222-8222-222222222222"}');

create temp table minted (name text primary key, token_id uuid not null, token text not null);
/** create_api_token as p_who; remembers the secret under p_name. */
create function pg_temp.mint(p_who text, p_name text, p_role text default 'member', p_expires timestamptz default null,
  p_worker text default null) returns uuid language plpgsql
as $$
declare
  t jsonb := pg_temp.as_one(p_who, format('select * from public.create_api_token(%L, %L, %L, %L)', p_name, p_role, p_expires, p_worker));
begin
  insert into pg_temp.minted values (p_name, (t ->> 'token_id')::uuid, t ->> 'token');
  return (t ->> 'token_id')::uuid;
end;
$$;
create function pg_temp.secret(p_name text) returns text language sql stable
as $$ select token from pg_temp.minted where name = p_name $$;
create function pg_temp.token(p_name text) returns public.api_tokens language sql stable
as $$ select t.* from public.api_tokens t join pg_temp.minted m on m.token_id = t.id where m.name = p_name $$;
/** The api's first call: exchange (rate limited) as the functions' login role, by the sha256 of the secret. */
create function pg_temp.exchange(p_secret text) returns jsonb language plpgsql
as $$
declare
  result jsonb;
begin
  set local role openweights_functions;
  select to_jsonb(x) into result from public.exchange_api_token_limited(
    encode(extensions.digest(p_secret, 'sha256'), 'hex'), 'pgtap', left(p_secret, 11)) x;
  reset role;
  return result;
end;
$$;
/** Acts as a token that was minted here. */
create function pg_temp.act_as_minted(p_name text) returns void language sql
as $$
  insert into pg_temp.who select p_name, jsonb_build_object('role', 'authenticated', 'organization_id', t.organization_id,
    'token_id', t.id, 'token_role', t.role) from pg_temp.token(p_name) t
$$;
create function pg_temp.mint_sql(p_who text, p_name text, p_role text, p_expires text default null, p_worker text default null) returns text
language sql immutable
as $$ select format('select pg_temp.mint(%L, %L, %L, %s, %L)', p_who, p_name, p_role, coalesce(p_expires, 'null'), p_worker) $$;

-- ---------------------------------------------------------------- minting and storage
do $$ begin perform pg_temp.mint('admin A', 'm1'); end $$;
select matches(pg_temp.secret('m1'), '^ow_[A-Za-z0-9_-]{43}$', 'a secret is ow_ followed by 43 base64url characters (256 bits)');
select is(((pg_temp.token('m1')).prefix, (pg_temp.token('m1')).token_hash)::text,
  (left(pg_temp.secret('m1'), 11), encode(extensions.digest(pg_temp.secret('m1'), 'sha256'), 'hex'))::text,
  'the row keeps the display prefix and the sha256 of the secret');
select is((select count(*) from public.api_tokens t where to_jsonb(t)::text like '%' || pg_temp.secret('m1') || '%'), 0::bigint,
  'the secret itself is stored nowhere');
select is(((pg_temp.token('m1')).role, (pg_temp.token('m1')).created_by_token = (pg_temp.claims_of('admin A') ->> 'token_id')::uuid,
  (pg_temp.token('m1')).expires_at)::text, '(member,t,)', 'a minted token records its role and the token that minted it');

-- ---------------------------------------------------------------- exchange
select is(pg_temp.exchange(pg_temp.secret('m1')) - 'expires_at',
  jsonb_build_object('token_id', (pg_temp.token('m1')).id, 'organization_id', pg_temp.org('A'), 'role', 'member', 'worker_id', null, 'outcome', 'ok'),
  'the functions'' login exchanges a valid secret: ok, with the organization and role');
select is((pg_temp.token('m1')).last_used_at, now(), 'a successful exchange records last_used_at');
update public.api_tokens set last_used_at = now() - interval '30 seconds' where id = (pg_temp.token('m1')).id;
select is(pg_temp.exchange(pg_temp.secret('m1')) ->> 'outcome', 'ok', 'fixture: exchanged again within a minute');
select is((pg_temp.token('m1')).last_used_at, now() - interval '30 seconds', 'last_used_at is written at most once a minute');
update public.api_tokens set last_used_at = now() - interval '2 minutes' where id = (pg_temp.token('m1')).id;
select is(pg_temp.exchange(pg_temp.secret('m1')) ->> 'outcome', 'ok', 'fixture: exchanged again after two minutes');
select is((pg_temp.token('m1')).last_used_at, now(), 'after a minute last_used_at moves again');
select is(pg_temp.exchange('ow_' || repeat('x', 43)),
  '{"token_id": null, "organization_id": null, "role": null, "worker_id": null, "expires_at": null, "outcome": "invalid"}'::jsonb,
  'an unknown secret is invalid and reveals nothing');

do $$ begin perform pg_temp.mint('admin A', 'soon', 'member', now() + interval '1 hour'); end $$;
update public.api_tokens set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second', last_used_at = null
  where id = (pg_temp.token('soon')).id;
select is(pg_temp.exchange(pg_temp.secret('soon')) ->> 'outcome', 'expired', 'a token past expires_at is expired');
select is((pg_temp.token('soon')).last_used_at, null, 'an expired exchange does not count as use');

-- ---------------------------------------------------------------- revoke
select throws_ok($$select pg_temp.as_json('member A', format('select public.revoke_api_token(%L)', (pg_temp.token('m1')).id))$$,
  'OWNFD', null, 'a member token cannot revoke tokens (they look missing)');
select throws_ok($$select pg_temp.as_json('admin B', format('select public.revoke_api_token(%L)', (pg_temp.token('m1')).id))$$,
  'OWNFD', null, 'an admin of another organization cannot revoke the token');
select is((pg_temp.as_one('admin A', format('select revoked_at from public.revoke_api_token(%L)', (pg_temp.token('m1')).id)) ->> 'revoked_at')::timestamptz,
  now(), 'an admin revokes a token');
update public.api_tokens set revoked_at = now() - interval '1 hour', last_used_at = now() - interval '1 hour' where id = (pg_temp.token('m1')).id;
select is((pg_temp.as_one('admin A', format('select revoked_at from public.revoke_api_token(%L)', (pg_temp.token('m1')).id)) ->> 'revoked_at')::timestamptz,
  now() - interval '1 hour', 'revoking again keeps the first revocation time');
select is(pg_temp.exchange(pg_temp.secret('m1')) ->> 'outcome', 'revoked', 'a revoked token exchanges as revoked');
select is((pg_temp.token('m1')).last_used_at, now() - interval '1 hour', 'a revoked exchange does not count as use');

-- ---------------------------------------------------------------- who may mint what
select throws_ok(pg_temp.mint_sql('member A', 'm-admin', 'admin'), 'OWFRB', null, 'a member token cannot create an admin token');
select throws_ok(pg_temp.mint_sql('member A', 'm-member', 'member'), 'OWFRB', null, 'a member token cannot mint tokens at all (only admins manage tokens)');
select throws_ok(pg_temp.mint_sql('w1', 'w-member', 'member'), 'OWFRB', null, 'a worker token cannot mint a member token');
select throws_ok(pg_temp.mint_sql('w1', 'w-worker', 'worker', null, 'w1'), 'OWFRB', null, 'a worker token cannot mint a worker token');
select throws_ok(pg_temp.mint_sql('admin A', 'no-worker-id', 'worker'), 'OWVAL', null, 'a worker token must name a worker id');
select throws_ok(pg_temp.mint_sql('admin A', 'member-with-worker', 'member', null, 'w1'), 'OWVAL', null, 'only worker tokens name a worker id');
select throws_ok(pg_temp.mint_sql('admin A', 'past', 'member', quote_literal(now() - interval '1 minute')), 'OWVAL', null,
  'expires_at must be in the future');
select throws_ok($$select pg_temp.as_json('anon', 'select * from public.create_api_token(''x'')')$$, '42501', null,
  'anon cannot create tokens');
select throws_ok($$select pg_temp.as_json('admin A', format('select * from internal.mint_worker_token(%L, ''w9'')', pg_temp.org('A')))$$,
  '42501', null, 'an admin token cannot call internal.mint_worker_token (only the service role can)');

do $$ begin
  perform pg_temp.mint('admin A', 'limited', 'admin', now() + interval '1 day');
  perform pg_temp.act_as_minted('limited');
end $$;
select throws_ok(pg_temp.mint_sql('limited', 'longer', 'member', quote_literal(now() + interval '2 days')), 'OWFRB', null,
  'a token cannot mint one that outlives it');
do $$ begin
  perform pg_temp.mint('limited', 'inherits');
  perform pg_temp.mint('limited', 'shorter', 'member', now() + interval '1 hour');
  perform pg_temp.mint('limited', 'limited-admin', 'admin', now() + interval '1 day');
end $$;
select is((pg_temp.token('inherits')).expires_at, now() + interval '1 day', 'a token minted without expiry inherits its creator''s expiry');
select is((pg_temp.token('shorter')).expires_at, now() + interval '1 hour', 'a token may mint one that expires sooner');
select is((pg_temp.token('limited-admin')).role::text, 'admin', 'an admin token may mint an admin token no longer-lived than itself');

do $$ begin
  perform pg_temp.as_json('founder', 'select public.create_organization(''Founded'')');
  insert into pg_temp.orgs select 'F', organization_id from public.organization_members where user_id = '11111111-1111-4111-8111-111111111111';
  perform pg_temp.mint('founder', 'from-session', 'admin');
end $$;
select is(((pg_temp.token('from-session')).organization_id = pg_temp.org('F'), (pg_temp.token('from-session')).created_by_user,
  (pg_temp.token('from-session')).created_by_token)::text, '(t,11111111-1111-4111-8111-111111111111,)',
  'a signed-in admin mints tokens for their organization, recorded as created by the user');
select throws_ok($$select pg_temp.as_json('admin A', 'select public.create_organization(''By token'')')$$, 'OWFRB', null,
  'only signed-in users create organizations');

-- ---------------------------------------------------------------- stop_worker revokes the worker's tokens
do $$ begin
  perform pg_temp.new_worker_token('A', 'w-stop', 'w-stop first token');
  perform pg_temp.new_worker('A', 'w-stop');
  perform pg_temp.new_worker('A', 'w-other');
  perform pg_temp.as_json('w-stop', 'select public.stop_worker(''scaled down'')');
end $$;
select is((select count(*) from public.api_tokens where worker_id = 'w-stop' and revoked_at is null), 0::bigint,
  'stopping a worker revokes every token minted for it');
select is((select count(*) from public.api_tokens where worker_id = 'w-stop' and revoked_at = now()), 2::bigint,
  'both of the worker''s tokens are revoked now');
select is((select count(*) from public.api_tokens where worker_id = 'w-other' and revoked_at is null), 1::bigint,
  'other workers'' tokens stay valid');
select is((select status::text from public.workers where id = 'w-stop'), 'terminated', 'the stopped worker is terminated');

-- ---------------------------------------------------------------- an organization keeps an admin
select throws_ok($$select pg_temp.as_json('founder', format('delete from public.organization_members where organization_id = %L returning 1', pg_temp.org('F')))$$,
  'OWCON', null, 'the last admin cannot leave');
select throws_ok($$select pg_temp.as_json('founder', format('update public.organization_members set role = ''member'' where organization_id = %L returning 1', pg_temp.org('F')))$$,
  'OWCON', null, 'the last admin cannot demote themselves');
select is(pg_temp.as_json('founder', format($$insert into public.organization_members (organization_id, user_id, role)
    values (%L, '22222222-2222-4222-8222-222222222222', 'admin') returning role$$, pg_temp.org('F'))),
  '[{"role": "admin"}]'::jsonb, 'an admin adds a second admin');
select is(pg_temp.as_json('founder', format($$delete from public.organization_members where organization_id = %L
    and user_id = '11111111-1111-4111-8111-111111111111' returning role$$, pg_temp.org('F'))),
  '[{"role": "admin"}]'::jsonb, 'with another admin present an admin may leave');
select throws_ok($$select pg_temp.as_json('cofounder', format('update public.organization_members set role = ''member'' where organization_id = %L returning 1', pg_temp.org('F')))$$,
  'OWCON', null, 'the new last admin cannot demote themselves either');
select lives_ok(format('set local role service_role; delete from public.organizations where id = %L; reset role', pg_temp.org('F')),
  'deleting the organization removes its last admin with it');

select * from finish();
rollback;
