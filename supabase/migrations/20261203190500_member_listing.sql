-- Why: GET /members read auth.users as role `authenticated`, which Supabase does not let that role
-- read (issue 11, item 8: the endpoint answered 403 to every admin and member and had never
-- worked). Emails of one's own organization's members are what the listing is for, so one narrow
-- function reads them on the caller's behalf.
--
-- security definer, justified: the function must read auth.users, which `authenticated` cannot
-- (and must not: it holds every user of the project). It answers only for an organization the
-- caller belongs to (internal.is_member reads the verified claims) and returns only that
-- organization's members and their emails, nothing else of auth.users.
create function internal.organization_members_with_email(p_org uuid)
returns table (user_id uuid, email text, role public.member_role, created_at timestamptz)
language sql stable security definer set search_path = ''
as $$
  select m.user_id, u.email::text, m.role, m.created_at
  from public.organization_members m
  left join auth.users u on u.id = m.user_id
  where m.organization_id = p_org and internal.is_member(p_org)
  order by m.created_at, m.user_id
$$;

revoke execute on function internal.organization_members_with_email(uuid) from public, anon;
grant execute on function internal.organization_members_with_email(uuid) to authenticated, service_role;
