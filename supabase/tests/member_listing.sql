-- internal.organization_members_with_email: the one reader of auth.users on a caller's behalf
-- (role authenticated cannot read auth.users). Each caller sees its own organization's members
-- with their emails and nothing of another organization's.
begin;
set local search_path = public, extensions;
select plan(6);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member token of A');
  perform pg_temp.new_worker_token('A', 'w1');
end $$;
insert into auth.users (id, email) values
  ('11111111-1111-4111-8111-111111111111', 'ada@example.com'),
  ('22222222-2222-4222-8222-222222222222', 'eve@example.com');
insert into public.organization_members (organization_id, user_id, role) values
  (pg_temp.org('A'), '11111111-1111-4111-8111-111111111111', 'admin'),
  (pg_temp.org('B'), '22222222-2222-4222-8222-222222222222', 'member');
insert into pg_temp.who values
  ('user admin of A', '{"role": "authenticated", "sub": "11111111-1111-4111-8111-111111111111"}');

create function pg_temp.emails(p_who text, p_org text) returns text language sql
as $$
  select coalesce(string_agg(r ->> 'email', ',' order by r ->> 'email'), '')
  from jsonb_array_elements(pg_temp.as_json(p_who,
    format('select email from internal.organization_members_with_email(%L)', pg_temp.org(p_org)))) r
$$;

select is(pg_temp.emails('admin A', 'A'), 'ada@example.com', 'an admin token reads its members'' emails');
select is(pg_temp.emails('member token of A', 'A'), 'ada@example.com', 'a member token reads them too');
select is(pg_temp.emails('user admin of A', 'A'), 'ada@example.com', 'a signed-in member reads them');
select is(pg_temp.emails('admin A', 'B'), '', 'an admin of A reads nothing of B');
select is(pg_temp.emails('w1', 'A'), '', 'a worker token reads no members');
select throws_ok($$ set local role authenticated; select count(*) from auth.users $$, '42501', null,
  'role authenticated still cannot read auth.users directly');

select * from finish();
rollback;
