-- Why: worker caps and dollar budgets existed only in SQL; users could not read or set them, see
-- what they spend, or create an organization without database access (issue 15). This adds what
-- the api's /organizations, /organization/limits and /organization/usage routes call.

/**
 * USD an organization's workers cost since p_since (pod-seconds × hourly price). The one spend
 * formula: the scaler's daily budget (spent_today_usd) and the usage the api reports both use it.
 * security invoker: a member sees their organization's workers through RLS; the scaler calls it
 * as service_role.
 */
create function internal.worker_spend_usd(p_org uuid, p_since timestamptz) returns double precision
language sql stable set search_path = ''
as $$
  select coalesce(sum(w.cost_per_hour::float8 * greatest(0, extract(epoch from
      least(coalesce(w.terminated_at, now()), now()) - greatest(w.created_at, p_since))) / 3600), 0)
  from public.workers w
  where w.organization_id = p_org and coalesce(w.terminated_at, now()) >= p_since
$$;

create or replace function internal.spent_today_usd(p_org uuid) returns double precision
language sql stable set search_path = ''
as $$ select internal.worker_spend_usd(p_org, date_trunc('day', now(), 'UTC')) $$;

/**
 * What the organization spends now: burn rate of live workers, spend in the last hour and today
 * (UTC), its caps, and per job the cost of its runs (run time × its worker's hourly price) since
 * p_since, most expensive first. Member-readable; invoker so RLS scopes every row.
 */
create function internal.organization_usage(p_org uuid, p_since timestamptz, p_job_id text default null)
returns jsonb
language plpgsql stable set search_path = ''
as $$
begin
  perform internal.require_member(p_org);
  return (
    select jsonb_build_object(
      'live_workers', (select count(*) from public.workers w
        where w.organization_id = p_org and w.status in ('starting', 'active', 'shutdown')),
      'burn_usd_per_hour', (select coalesce(sum(w.cost_per_hour::float8), 0) from public.workers w
        where w.organization_id = p_org and w.status in ('starting', 'active', 'shutdown')),
      'spent_last_hour_usd', internal.worker_spend_usd(p_org, now() - interval '1 hour'),
      'spent_today_usd', internal.worker_spend_usd(p_org, date_trunc('day', now(), 'UTC')),
      'max_workers', l.max_workers,
      'max_hourly_usd', l.max_hourly_usd::float8,
      'max_daily_usd', l.max_daily_usd::float8,
      'since', p_since,
      'jobs', coalesce((
        select jsonb_agg(jsonb_build_object('job_id', s.job_id, 'runs', s.runs, 'run_seconds', s.seconds,
            'spent_usd', s.usd) order by s.usd desc, s.job_id)
        from (
          select r.job_id, count(*) as runs,
            sum(extract(epoch from coalesce(r.finished_at, now()) - r.started_at))::float8 as seconds,
            sum(coalesce(w.cost_per_hour::float8, 0)
              * extract(epoch from coalesce(r.finished_at, now()) - r.started_at) / 3600) as usd
          from public.runs r left join public.workers w on w.id = r.worker_id
          where r.organization_id = p_org
            and (p_job_id is null or r.job_id = p_job_id)
            and (p_job_id is not null or coalesce(r.finished_at, now()) >= p_since)
          group by r.job_id
          order by usd desc, r.job_id
          limit 100
        ) s), '[]'::jsonb)
    )
    from public.organization_limits l where l.organization_id = p_org
  );
end;
$$;

/**
 * An admin creates another organization and receives its first admin token (shown once). A
 * signed-in user also becomes its admin member. An organization made by a token starts with
 * its creator's caps, so creating organizations cannot multiply a capped organization's fleet.
 * security definer: callers have no INSERT on organizations or api_tokens; the function checks
 * that the caller is an admin (not a member, worker or run token) of its current organization.
 */
create function public.create_organization_with_token(p_name text)
returns table (organization_id uuid, name text, created_at timestamptz, token_id uuid, token text)
language plpgsql security definer set search_path = ''
as $$
declare
  creator uuid := internal.caller_org();
  o public.organizations;
  t record;
begin
  if internal.user_id() is null and (creator is null or not internal.is_admin(creator)
      or internal.claims() ? 'run_id') then
    raise exception 'only an organization admin or a signed-in user can create an organization'
      using errcode = 'OWFRB';
  end if;
  -- A JWT outlives its token's revocation until it expires; a revoked or expired token must not
  -- mint a new, independent admin credential with it (the hole issue 11 item 1 found in tokens).
  if exists (select from public.api_tokens a where a.id = internal.token_id()
             and (a.revoked_at is not null or a.expires_at <= now())) then
    raise exception 'the token behind this credential was revoked or has expired' using errcode = 'OWFRB';
  end if;
  insert into public.organizations (name) values (p_name) returning * into o;
  if internal.user_id() is not null then
    insert into public.organization_members (organization_id, user_id, role) values (o.id, internal.user_id(), 'admin');
  elsif creator is not null then
    update public.organization_limits n set max_workers = c.max_workers, max_hourly_usd = c.max_hourly_usd,
        max_daily_usd = c.max_daily_usd
      from public.organization_limits c where c.organization_id = creator and n.organization_id = o.id;
  end if;
  select * into t from internal.insert_token(o.id, 'admin (created with the organization)', 'admin', null, null,
    internal.token_id(), internal.user_id());
  return query select o.id, o.name, o.created_at, t.token_id, t.token;
end;
$$;

revoke all on function internal.worker_spend_usd, internal.organization_usage, public.create_organization_with_token
  from public, anon;
grant execute on function internal.worker_spend_usd, internal.organization_usage, public.create_organization_with_token
  to authenticated, service_role;
