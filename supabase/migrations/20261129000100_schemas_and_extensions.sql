-- Why: `public` is the API surface (PostgREST exposes it on Supabase); helpers that callers must
-- not invoke directly live in `internal`, which is never exposed. Extensions go to `extensions`
-- as on Supabase, so `supabase db reset` and hosted projects treat them the same.
create extension if not exists pgcrypto with schema extensions;

create schema if not exists internal;
revoke all on schema internal from public;
grant usage on schema internal to authenticated, service_role, anon;
