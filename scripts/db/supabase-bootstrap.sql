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
-- Columns of Supabase's auth.users that the local Auth stand-in (scripts/auth) keeps its users in.
alter table auth.users
  add column if not exists encrypted_password text,
  add column if not exists email_confirmed_at timestamptz,
  add column if not exists last_sign_in_at timestamptz,
  add column if not exists raw_user_meta_data jsonb not null default '{}',
  add column if not exists updated_at timestamptz not null default now();
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

-- Supabase Realtime's database side, as its published migrations define it: the `realtime.messages`
-- table whose RLS policies authorize private channels, `realtime.topic()` (the channel a policy is
-- evaluated for, set by Realtime as `realtime.topic`), and `realtime.send()` (Broadcast from
-- Database). On Supabase, Realtime reads new rows of realtime.messages through logical replication;
-- here the local stand-in (scripts/realtime) is woken by NOTIFY instead — delivered at commit, so
-- it too sees committed messages only, and nothing of a rolled-back authorization check.
create schema if not exists realtime authorization supabase_admin;
grant usage on schema realtime to anon, authenticated, service_role;

create table if not exists realtime.messages (
  id uuid primary key default gen_random_uuid(),
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now()
);
alter table realtime.messages owner to supabase_admin;
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to anon, authenticated;
grant all on realtime.messages to service_role;
create index if not exists messages_inserted_at_idx on realtime.messages (inserted_at);

create or replace function realtime.topic() returns text
language sql stable set search_path = ''
as $$
  select nullif(current_setting('realtime.topic', true), '')
$$;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql set search_path = ''
as $$
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (payload, event, topic, private, extension)
    values (payload, event, topic, private, 'broadcast');
  exception when others then
    -- As on Supabase: a failed broadcast warns and never fails the caller's transaction.
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- Stand-in only: Realtime's replication slot becomes a NOTIFY carrying the message id (NOTIFY
-- payloads are capped at 8000 bytes; a log chunk may be larger, so the stand-in reads the row).
create or replace function realtime.notify_standin() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.extension = 'broadcast' then
    perform pg_notify('realtime_messages', new.id::text);
  end if;
  return null;
end;
$$;
drop trigger if exists messages_notify_standin on realtime.messages;
create trigger messages_notify_standin after insert on realtime.messages
  for each row execute function realtime.notify_standin();

alter function realtime.topic() owner to supabase_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_admin;
alter function realtime.notify_standin() owner to supabase_admin;
grant execute on function realtime.topic() to anon, authenticated, service_role;
revoke execute on function realtime.send(jsonb, text, text, boolean) from public;
grant execute on function realtime.send(jsonb, text, text, boolean) to service_role;
