-- Why: any member could read any secret's value by declaring it in a job, while listing secrets
-- was admin-only, and the organization's RUNPOD_API_KEY (the scaler's key) reached a member's job
-- when declared (issue 11, item 3). The rules, enforced here for every way a job row is written:
--   * platform secrets never reach a job: RUNPOD_API_KEY (the scaler's key) and any name starting
--     with OW_ or SUPABASE_ (the deployment's own variables). A job that declares one is refused,
--     and the claim never delivers one (internal.is_platform_secret). OPENWEIGHTS_* names stay
--     declarable (OPENWEIGHTS_SERVE_API_KEY is a job's secret); the worker sets the platform's
--     OPENWEIGHTS_* variables after the secrets, so no secret can replace them;
--   * an admin may declare any other secret; a member only secrets an admin marked
--     `member_usable` (default false: a new secret is admin-only until an admin says otherwise).
--     Secrets are checked when declared: restarting a job keeps what was approved then.
-- Also (issue 11, item 10): the files a job mounts may total at most internal.max_mount_bytes(),
-- and the contract caps their number (MAX_MOUNTS), so a claim stays small.
alter table public.organization_secrets add column member_usable boolean not null default false;
grant select (member_usable), update (member_usable) on public.organization_secrets to authenticated;

create function internal.is_platform_secret(p_name text) returns boolean
language sql immutable
return p_name = 'RUNPOD_API_KEY' or p_name ~ '^(OW|SUPABASE)_';

create function internal.max_mount_bytes() returns bigint
language sql immutable
return 1099511627776; -- 1 TiB: the largest checkpoints people mount are a few hundred GB

create function internal.check_job_declarations() returns trigger
language plpgsql set search_path = ''
as $$
declare
  refused text;
  total numeric;
begin
  if tg_op = 'INSERT' or new.secrets is distinct from old.secrets then
    select string_agg(s, ', ') into refused from unnest(new.secrets) s where internal.is_platform_secret(s);
    if refused is not null then
      raise exception 'secrets: % belong to the platform and never reach a job', refused using errcode = 'OWVAL';
    end if;
    if not internal.is_admin(new.organization_id) and internal.claims() ->> 'role' is distinct from 'service_role' then
      select string_agg(s, ', ') into refused from unnest(new.secrets) s
        where not exists (select from public.organization_secrets o
                          where o.organization_id = new.organization_id and o.name = s and o.member_usable);
      if refused is not null then
        raise exception 'secrets: % not usable by members (an admin can mark a secret member_usable)', refused
          using errcode = 'OWFRB';
      end if;
    end if;
  end if;
  if tg_op = 'INSERT' or new.mounts is distinct from old.mounts then
    select coalesce(sum(f.bytes), 0) into total
      from jsonb_each_text(new.mounts) m
      join public.files f on f.organization_id = new.organization_id and f.id = m.value;
    if total > internal.max_mount_bytes() then
      raise exception 'mounts: the mounted files total % bytes, more than % allowed', total, internal.max_mount_bytes()
        using errcode = 'OWVAL';
    end if;
  end if;
  return new;
end;
$$;
create trigger jobs_check_declarations before insert or update of secrets, mounts on public.jobs
  for each row execute function internal.check_job_declarations();

/** The secrets a claimed job receives: those it declared, minus platform secrets. */
create function internal.job_secrets(p_org uuid, p_names text[]) returns setof public.organization_secrets
language sql stable set search_path = ''
as $$
  select * from public.organization_secrets s
  where s.organization_id = p_org and s.name = any (p_names) and not internal.is_platform_secret(s.name)
$$;
revoke all on function internal.job_secrets, internal.check_job_declarations from public, anon, authenticated;
grant execute on function internal.job_secrets to service_role;
