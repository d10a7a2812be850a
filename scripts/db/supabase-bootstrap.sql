-- Stand-in for what a Supabase Postgres has before any migration runs: its roles, the `auth`
-- and `extensions` schemas, and auth.uid()/auth.role()/auth.jwt(). Applied only to plain
-- PostgreSQL (local stack and tests), never as a migration: a hosted project already has these.
-- Objects are owned by supabase_admin so `supabase db reset` leaves them alone, as on Supabase.
do $$
begin
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin superuser createdb createrole replication bypassrls login;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

create schema if not exists extensions authorization supabase_admin;
grant usage on schema extensions to public;
create extension if not exists pgcrypto with schema extensions;

create schema if not exists auth authorization supabase_admin;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text unique,
  created_at timestamptz not null default now()
);
alter table auth.users owner to supabase_admin;
grant select on auth.users to service_role;

create or replace function auth.jwt() returns jsonb
language sql stable set search_path = ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable set search_path = ''
as $$
  select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;

create or replace function auth.role() returns text
language sql stable set search_path = ''
as $$
  select nullif(auth.jwt() ->> 'role', '')
$$;

alter function auth.jwt() owner to supabase_admin;
alter function auth.uid() owner to supabase_admin;
alter function auth.role() owner to supabase_admin;
grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role;
