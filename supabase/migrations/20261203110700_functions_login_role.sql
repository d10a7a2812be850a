-- Why: every function connected as the database superuser (issue 11, item 10 / deliverable 2), so a
-- bug in a function — a statement run before its `set role` — ran with every privilege there is.
-- The functions now log in as `openweights_functions`: not a superuser, owner of nothing, NOINHERIT
-- (it holds no privilege of the roles it belongs to until it switches to one), allowed only to
-- switch to `authenticated` (callers, under RLS), `anon` and `service_role` (the scaler and the
-- worker protocol's internal steps). Of its own it may do exactly what a request does before it
-- switches role: exchange a token (rate limited) and check that a credential is still live.
--
-- The role is created without LOGIN and without a password (none belongs in a migration). The local
-- stack and the tests turn LOGIN on with a password of their own (scripts/db/functions-role.ts); a
-- hosted project runs `alter role openweights_functions login password '…'` once and gives the
-- functions that connection string as OW_DB_URL (README, "Deploying for real").
--
-- Token exchange is no longer executable by anon or authenticated: on a hosted project PostgREST
-- exposes public functions to anyone holding the (public) anon key, which would be a way around
-- the api's limit on failed guesses.
do $$
begin
  if not exists (select from pg_roles where rolname = 'openweights_functions') then
    create role openweights_functions nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;
grant anon, authenticated, service_role to openweights_functions;
grant usage on schema public, internal to openweights_functions;

revoke execute on function public.exchange_api_token, public.exchange_api_token_limited from anon, authenticated;
grant execute on function public.exchange_api_token_limited, internal.assert_live_credential to openweights_functions;

-- POST /members looks a user up by email in auth.users on the pool's own connection (as the
-- superuser did before). Guarded: where the migration's user may not grant on auth.users (a hosted
-- project's auth schema belongs to Supabase), that route needs a definer function instead.
do $$
begin
  grant usage on schema auth to openweights_functions;
  grant select (id, email) on auth.users to openweights_functions;
exception when insufficient_privilege then
  raise notice 'openweights_functions cannot be granted auth.users: POST /members needs another lookup here';
end
$$;
