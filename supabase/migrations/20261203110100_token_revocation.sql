-- Why: an outside probe (issue 11, item 1) showed that a JWT issued before its API token was
-- revoked kept working until it expired, and could meanwhile mint a new, non-expiring admin
-- token: create_api_token never looked at the calling token's revoked_at. The rules now:
--   * every request's claims pass internal.assert_live_credential before anything else runs in
--     its transaction (the functions call it in the statement that sets the claims), so a JWT
--     dies with its token at once, not when it expires;
--   * a run-scoped token (claims carry run_id) works only while its run is in progress;
--   * revoking a token also revokes every token it minted, transitively: they were minted under
--     its authority, and a stolen admin token must not leave working children behind;
--   * create_api_token itself refuses a caller whose token is revoked or expired (defence in
--     depth: it is callable from any session that sets claims).

/** Raises OWREV / OWEXP unless the credential behind these claims is still valid. */
create function internal.assert_live_credential(p_claims jsonb) returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  t record;
  r record;
begin
  if p_claims ? 'token_id' then
    select a.organization_id, a.revoked_at, a.expires_at into t
      from public.api_tokens a where a.id = internal.as_uuid(p_claims ->> 'token_id');
    if not found or t.organization_id is distinct from internal.as_uuid(p_claims ->> 'organization_id')
        or t.revoked_at is not null then
      raise exception 'the API token behind this credential has been revoked' using errcode = 'OWREV';
    end if;
    if t.expires_at is not null and t.expires_at <= now() then
      raise exception 'the API token behind this credential has expired' using errcode = 'OWEXP';
    end if;
  end if;
  if p_claims ? 'run_id' then
    select x.status, x.organization_id into r from public.runs x where x.id = internal.as_uuid(p_claims ->> 'run_id');
    if not found or r.status <> 'in_progress'
        or r.organization_id is distinct from internal.as_uuid(p_claims ->> 'organization_id') then
      raise exception 'this run-scoped token ended with its run' using errcode = 'OWEXP';
    end if;
  end if;
end;
$$;
revoke all on function internal.assert_live_credential from public;
grant execute on function internal.assert_live_credential to anon, authenticated, service_role;

create or replace function public.create_api_token(p_name text, p_role public.token_role default 'member',
  p_expires_at timestamptz default null, p_worker_id text default null)
returns table (token_id uuid, token text)
language plpgsql security definer set search_path = ''
as $$
declare
  org uuid := internal.caller_org();
  caller public.api_tokens;
  expiry timestamptz := p_expires_at;
begin
  perform internal.assert_live_credential(internal.claims());
  perform internal.require_member(org, true);
  if internal.claims() ? 'run_id' then
    raise exception 'a run-scoped token cannot create tokens' using errcode = 'OWFRB';
  end if;
  if internal.token_id() is not null then
    select * into caller from public.api_tokens where id = internal.token_id();
    if internal.role_rank(p_role) > internal.role_rank(caller.role) then
      raise exception 'a % token cannot create a % token', caller.role, p_role using errcode = 'OWFRB';
    end if;
    if caller.expires_at is not null then
      expiry := coalesce(expiry, caller.expires_at);
      if expiry > caller.expires_at then
        raise exception 'a token cannot outlive the token that creates it (expires %)', caller.expires_at
          using errcode = 'OWFRB';
      end if;
    end if;
  end if;
  if expiry is not null and expiry <= now() then
    raise exception 'expires_at must be in the future' using errcode = 'OWVAL';
  end if;
  if (p_role = 'worker') <> (p_worker_id is not null) then
    raise exception 'worker tokens (and only they) name a worker id' using errcode = 'OWVAL';
  end if;
  return query select * from internal.insert_token(org, p_name, p_role, expiry, p_worker_id, internal.token_id(),
    internal.user_id());
end;
$$;

create or replace function public.revoke_api_token(p_token_id uuid) returns public.api_tokens
language plpgsql security definer set search_path = ''
as $$
declare
  t public.api_tokens;
begin
  perform internal.assert_live_credential(internal.claims());
  select * into t from public.api_tokens where id = p_token_id for update;
  if not found or not internal.is_admin(t.organization_id) then
    raise exception 'token % not found', p_token_id using errcode = 'OWNFD';
  end if;
  -- The token and everything minted under it (created_by_token), transitively, in one organization.
  with recursive minted as (
    select t.id
    union
    select a.id from public.api_tokens a join minted m on a.created_by_token = m.id
      where a.organization_id = t.organization_id
  )
  update public.api_tokens a set revoked_at = now()
    from minted m where a.id = m.id and a.revoked_at is null;
  select * into t from public.api_tokens where id = t.id;
  return t;
end;
$$;
revoke all on function public.create_api_token, public.revoke_api_token from public, anon;
grant execute on function public.create_api_token, public.revoke_api_token to authenticated, service_role;

create index api_tokens_created_by_idx on public.api_tokens (created_by_token) where created_by_token is not null;
