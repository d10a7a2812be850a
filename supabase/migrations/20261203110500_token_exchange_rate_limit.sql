-- Why: POST /auth/token (and every request that sends a raw `ow_` token) answered 300 bad guesses
-- at ~440/s with no limit (issue 11, item 10). Failed exchanges of unknown tokens are now counted
-- per source address and per token prefix in a fixed one-minute window; past 20 in a window the
-- source (or prefix) is refused with OWLIM → 429 rate_limited and Retry-After, until the window
-- ends, valid tokens included (a guesser must not be able to tell). The counts live in the
-- database so they hold across function instances. Revoked and expired tokens are real tokens,
-- not guesses, and are not counted. Shape-invalid tokens never reach the database.
create table internal.auth_failures (
  key text primary key constraint key_length check (char_length(key) <= 300),
  window_start timestamptz not null,
  failures integer not null
);
create index auth_failures_window_idx on internal.auth_failures (window_start);
revoke all on internal.auth_failures from public, anon, authenticated;

create function internal.auth_failure_limit() returns integer
language sql immutable
return 20;

create function internal.auth_failure_window() returns interval
language sql immutable
return interval '1 minute';

/** exchange_api_token, refused (OWLIM, hint = seconds to wait) for a source or prefix over the limit. */
create function public.exchange_api_token_limited(p_token_hash text, p_source text, p_prefix text)
returns table (token_id uuid, organization_id uuid, role public.token_role, worker_id text,
  expires_at timestamptz, outcome text)
language plpgsql security definer set search_path = ''
as $$
declare
  keys text[] := array['source:' || left(coalesce(p_source, ''), 200), 'prefix:' || left(coalesce(p_prefix, ''), 50)];
  wait_seconds integer;
  t record;
begin
  select ceil(extract(epoch from max(f.window_start) + internal.auth_failure_window() - now()))::integer into wait_seconds
    from internal.auth_failures f
    where f.key = any (keys) and f.window_start > now() - internal.auth_failure_window()
      and f.failures >= internal.auth_failure_limit();
  if wait_seconds is not null then
    raise exception 'too many failed token attempts; retry in % seconds', greatest(wait_seconds, 1)
      using errcode = 'OWLIM', hint = greatest(wait_seconds, 1)::text;
  end if;
  select * into t from public.exchange_api_token(p_token_hash);
  if t.outcome = 'invalid' then
    insert into internal.auth_failures as f (key, window_start, failures)
      select k, now(), 1 from unnest(keys) k
      on conflict (key) do update set
        failures = case when f.window_start > now() - internal.auth_failure_window() then f.failures + 1 else 1 end,
        window_start = case when f.window_start > now() - internal.auth_failure_window() then f.window_start else now() end;
    delete from internal.auth_failures f where f.window_start < now() - 10 * internal.auth_failure_window();
  end if;
  return query select t.token_id, t.organization_id, t.role, t.worker_id, t.expires_at, t.outcome;
end;
$$;
revoke all on function public.exchange_api_token_limited from public;
grant execute on function public.exchange_api_token_limited to anon, authenticated, service_role;
