-- Why: every policy and queue function asks the same questions of the caller's verified JWT
-- claims (set by the functions with set_config('request.jwt.claims', …) before `set role
-- authenticated`). Two kinds of caller exist: tokens (claims carry organization_id + token_role)
-- and Supabase Auth users (claims carry sub; membership rows decide). The membership lookups are
-- security definer so policies on organization_members do not recurse into themselves.
--
-- The claim readers below are SQL-standard bodies (`return …`): their names are resolved once, when
-- they are created (so no `set search_path` is needed to pin them), and the planner inlines them into
-- the calling statement. A `language sql … set search_path` function is never inlined and, before
-- PostgreSQL 18, is planned again on every call: bench:claim measured 84 µs per claim for that
-- against 10 µs inlined (BENCHMARKS.md, "Queue: claim throughput").
create function internal.claims() returns jsonb
language sql stable
return coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;

-- One reference to `value` (regexp_match yields null on no match), so it stays inlinable when the
-- argument is itself an inlined expression.
create function internal.as_uuid(value text) returns uuid
language sql immutable
return (regexp_match(value, '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', 'i'))[1]::uuid;

create function internal.claim_org() returns uuid
language sql stable
return internal.as_uuid(internal.claims() ->> 'organization_id');

create function internal.token_role() returns text
language sql stable
return internal.claims() ->> 'token_role';

create function internal.token_id() returns uuid
language sql stable
return internal.as_uuid(internal.claims() ->> 'token_id');

create function internal.user_id() returns uuid
language sql stable
return internal.as_uuid(internal.claims() ->> 'sub');

/** The worker id of a worker-role token, else null. */
create function internal.worker_id() returns text
language sql stable
return case when internal.token_role() = 'worker' then internal.claims() ->> 'worker_id' end;

create function internal.is_member(org uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select org is not null and (
    (internal.claim_org() = org and internal.token_role() in ('admin', 'member'))
    or exists (
      select from public.organization_members m
      where m.organization_id = org and m.user_id = internal.user_id()
    )
  )
$$;

create function internal.is_admin(org uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select org is not null and (
    (internal.claim_org() = org and internal.token_role() = 'admin')
    or exists (
      select from public.organization_members m
      where m.organization_id = org and m.user_id = internal.user_id() and m.role = 'admin'
    )
  )
$$;

create function internal.is_org_worker(org uuid) returns boolean
language sql stable set search_path = ''
as $$ select org is not null and internal.claim_org() = org and internal.worker_id() is not null $$;

/** Raises the api's `forbidden` unless the caller is a member (or admin) of org. */
create function internal.require_member(org uuid, need_admin boolean default false) returns void
language plpgsql stable set search_path = ''
as $$
begin
  if need_admin and not internal.is_admin(org) then
    raise exception 'this action needs an admin of the organization' using errcode = 'OWFRB';
  elsif not need_admin and not internal.is_member(org) then
    raise exception 'not a member of this organization' using errcode = 'OWFRB';
  end if;
end;
$$;

/** The organization a member-scoped request acts on: the token's, or a user's only organization. */
create function internal.caller_org() returns uuid
language sql stable security definer set search_path = ''
as $$
  select coalesce(
    internal.claim_org(),
    (select m.organization_id from public.organization_members m where m.user_id = internal.user_id()
     order by m.created_at limit 1)
  )
$$;

grant execute on all functions in schema internal to authenticated, service_role;
revoke execute on function internal.touch_updated_at(), internal.create_default_limits(), internal.keep_last_admin() from authenticated;
