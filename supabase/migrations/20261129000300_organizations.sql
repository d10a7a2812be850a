-- Why: the tenant boundary. Every other table carries organization_id and RLS compares it with
-- the caller's verified claims. Limits are per organization and enforced by the scaler.
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint name_length check (char_length(name) between 1 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.member_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
create index organization_members_user_idx on public.organization_members (user_id);

create table public.organization_limits (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  max_workers integer not null default 8 constraint max_workers_range check (max_workers between 0 and 1000),
  max_hourly_usd numeric(10, 2) constraint max_hourly_usd_nonnegative check (max_hourly_usd >= 0),
  max_daily_usd numeric(12, 2) constraint max_daily_usd_nonnegative check (max_daily_usd >= 0),
  -- Set by the scaler when the provider reports a spending limit; provisioning waits until then.
  provisioning_paused_until timestamptz,
  updated_at timestamptz not null default now()
);

create function internal.touch_updated_at() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger organizations_touch before update on public.organizations
  for each row execute function internal.touch_updated_at();
create trigger organization_limits_touch before update on public.organization_limits
  for each row execute function internal.touch_updated_at();

-- Every organization gets its limits row, so the scaler never meets a missing one.
create function internal.create_default_limits() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.organization_limits (organization_id) values (new.id) on conflict do nothing;
  return new;
end;
$$;
create trigger organizations_default_limits after insert on public.organizations
  for each row execute function internal.create_default_limits();

-- An organization must always keep an admin member (the original allowed removing the last one
-- through direct updates of the role column).
create function internal.keep_last_admin() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.role = 'admin' and (tg_op = 'DELETE' or new.role <> 'admin')
     and not exists (
       select from public.organization_members m
       where m.organization_id = old.organization_id and m.role = 'admin' and m.user_id <> old.user_id
     )
     and exists (select from public.organizations o where o.id = old.organization_id) then
    raise exception 'an organization must keep at least one admin' using errcode = 'OWCON';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
create trigger organization_members_keep_admin before update or delete on public.organization_members
  for each row execute function internal.keep_last_admin();
