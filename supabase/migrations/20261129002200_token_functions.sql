-- Why: tokens are minted, checked and revoked only here. A token can never mint one with more
-- rights or a later expiry than itself (the original let an expiring token mint eternal ones, and
-- made every token an admin). Exchange is open to `anon` but returns only what the api needs to
-- sign a short-lived JWT and distinguishes revoked from expired from unknown.
create function internal.role_rank(r public.token_role) returns integer
language sql immutable set search_path = ''
as $$ select case r when 'admin' then 3 when 'member' then 2 else 1 end $$;

create function internal.new_token_secret() returns text
language sql volatile set search_path = ''
as $$
  -- 32 random bytes → 43 base64url chars after the `ow_` prefix (256 bits).
  select 'ow_' || translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_')
$$;

create function internal.token_hash(p_token text) returns text
language sql immutable set search_path = ''
as $$ select encode(extensions.digest(p_token, 'sha256'), 'hex') $$;

/** Inserts a token row and returns it with the secret (the only time the secret exists). */
create function internal.insert_token(p_org uuid, p_name text, p_role public.token_role, p_expires_at timestamptz,
  p_worker_id text, p_created_by_token uuid, p_created_by_user uuid)
returns table (token_id uuid, token text)
language plpgsql set search_path = ''
as $$
declare
  secret text := internal.new_token_secret();
begin
  return query
    insert into public.api_tokens (organization_id, name, prefix, token_hash, role, worker_id, created_by_token,
        created_by_user, expires_at)
      values (p_org, p_name, left(secret, 11), internal.token_hash(secret), p_role, p_worker_id, p_created_by_token,
        p_created_by_user, p_expires_at)
      returning id, secret;
end;
$$;

create function public.exchange_api_token(p_token_hash text)
returns table (token_id uuid, organization_id uuid, role public.token_role, worker_id text,
  expires_at timestamptz, outcome text)
language plpgsql security definer set search_path = ''
as $$
declare
  t public.api_tokens;
begin
  select * into t from public.api_tokens a where a.token_hash = p_token_hash;
  if not found then
    return query select null::uuid, null::uuid, null::public.token_role, null::text, null::timestamptz, 'invalid';
    return;
  end if;
  if t.revoked_at is not null then
    return query select t.id, t.organization_id, t.role, t.worker_id, t.expires_at, 'revoked';
    return;
  end if;
  if t.expires_at is not null and t.expires_at <= now() then
    return query select t.id, t.organization_id, t.role, t.worker_id, t.expires_at, 'expired';
    return;
  end if;
  -- Throttled so a busy token does not turn every request into a write.
  update public.api_tokens a set last_used_at = now()
    where a.id = t.id and (a.last_used_at is null or a.last_used_at < now() - interval '1 minute');
  return query select t.id, t.organization_id, t.role, t.worker_id, t.expires_at, 'ok';
end;
$$;

create function public.create_api_token(p_name text, p_role public.token_role default 'member',
  p_expires_at timestamptz default null, p_worker_id text default null)
returns table (token_id uuid, token text)
language plpgsql security definer set search_path = ''
as $$
declare
  org uuid := internal.caller_org();
  caller public.api_tokens;
  expiry timestamptz := p_expires_at;
begin
  perform internal.require_member(org, true);
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

create function public.revoke_api_token(p_token_id uuid) returns public.api_tokens
language plpgsql security definer set search_path = ''
as $$
declare
  t public.api_tokens;
begin
  select * into t from public.api_tokens where id = p_token_id for update;
  if not found or not internal.is_admin(t.organization_id) then
    raise exception 'token % not found', p_token_id using errcode = 'OWNFD';
  end if;
  update public.api_tokens set revoked_at = coalesce(revoked_at, now()) where id = t.id returning * into t;
  return t;
end;
$$;

/** The scaler mints one token per worker it starts; revoked when the worker ends (stop_worker). */
create function internal.mint_worker_token(p_org uuid, p_worker_id text)
returns table (token_id uuid, token text)
language sql set search_path = ''
as $$ select * from internal.insert_token(p_org, 'worker ' || p_worker_id, 'worker', null, p_worker_id, null, null) $$;

/** Local stack and first deployment: an organization with an admin token, run as service_role. */
create function internal.bootstrap_organization(p_name text)
returns table (organization_id uuid, token_id uuid, token text)
language plpgsql set search_path = ''
as $$
declare
  org uuid;
begin
  insert into public.organizations (name) values (p_name) returning id into org;
  return query select org, t.token_id, t.token from internal.insert_token(org, 'admin (bootstrap)', 'admin', null, null, null, null) t;
end;
$$;

/** A signed-in Supabase Auth user creates an organization and becomes its admin. */
create function public.create_organization(p_name text) returns public.organizations
language plpgsql security definer set search_path = ''
as $$
declare
  o public.organizations;
begin
  if internal.user_id() is null then
    raise exception 'only signed-in users can create organizations' using errcode = 'OWFRB';
  end if;
  insert into public.organizations (name) values (p_name) returning * into o;
  insert into public.organization_members (organization_id, user_id, role) values (o.id, internal.user_id(), 'admin');
  return o;
end;
$$;

revoke all on function public.exchange_api_token, public.create_api_token, public.revoke_api_token,
  public.create_organization from public;
grant execute on function public.exchange_api_token to anon, authenticated, service_role;
grant execute on function public.create_api_token, public.revoke_api_token, public.create_organization
  to authenticated, service_role;
revoke all on function internal.mint_worker_token, internal.bootstrap_organization, internal.insert_token,
  internal.new_token_secret from public, authenticated, anon;
grant execute on function internal.mint_worker_token, internal.bootstrap_organization to service_role;
