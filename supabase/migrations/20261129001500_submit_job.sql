-- Why: submission is insert-or-return by content id, race-safe (ON CONFLICT waits for a
-- concurrent identical insert), with the original's dedup semantics: failed/canceled jobs are
-- reset to pending, pending/in-progress/completed ones are returned as they are — unless the
-- caller forces a rerun of a completed job. The database computes the id, so every client
-- agrees on it: `{type}-{sha256(identity::text || organization_id)[:12]}[-{suffix}]` where
-- identity = jsonb_build_object('type','image','entrypoint','params','mounts') (jsonb text is
-- canonical: keys sorted, fixed separators). Scheduling hints are not part of identity.
-- security definer: members have no UPDATE on jobs (so no one rewrites a job's entrypoint);
-- this function checks membership itself and only writes the caller's organization.
create function public.job_content_id(p_org uuid, p_type text, p_image text, p_entrypoint text[],
  p_params jsonb, p_mounts jsonb, p_suffix text default null) returns text
language sql immutable set search_path = ''
as $$
  select p_type || '-' || left(encode(extensions.digest(
      jsonb_build_object('type', p_type, 'image', p_image, 'entrypoint', to_jsonb(p_entrypoint),
        'params', p_params, 'mounts', p_mounts)::text || p_org::text, 'sha256'), 'hex'), 12)
    || coalesce('-' || p_suffix, '')
$$;

create function public.submit_job(
  p_type text, p_image text, p_entrypoint text[], p_params jsonb default '{}', p_mounts jsonb default '{}',
  p_requires_vram_gb integer default 24, p_allowed_hardware text[] default null, p_priority integer default 0,
  p_timeout_seconds integer default 86400, p_max_attempts integer default 3, p_secrets text[] default '{}',
  p_model text default null, p_id_suffix text default null, p_force boolean default false)
returns table (job public.jobs, created boolean, reset boolean)
language plpgsql security definer set search_path = ''
as $$
declare
  org uuid := internal.caller_org();
  v_id text;
  missing text;
  existing public.jobs;
begin
  perform internal.require_member(org);
  if p_mounts is null or jsonb_typeof(p_mounts) <> 'object' then
    raise exception 'mounts must be an object of path → file id' using errcode = 'OWVAL';
  end if;
  select string_agg(m.value #>> '{}', ', ') into missing
    from jsonb_each(p_mounts) m
    where jsonb_typeof(m.value) <> 'string' or not exists (
      select from public.files f where f.id = m.value #>> '{}' and f.organization_id = org);
  if missing is not null then
    raise exception 'mounts reference files that do not exist in this organization: %', missing using errcode = 'OWVAL';
  end if;
  v_id := public.job_content_id(org, p_type, p_image, p_entrypoint, coalesce(p_params, '{}'), p_mounts, p_id_suffix);

  return query
    insert into public.jobs as j (id, organization_id, type, image, entrypoint, params, mounts, requires_vram_gb,
        allowed_hardware, priority, timeout_seconds, max_attempts, secrets, model)
      values (v_id, org, p_type, p_image, p_entrypoint, coalesce(p_params, '{}'), p_mounts, p_requires_vram_gb,
        p_allowed_hardware, p_priority, p_timeout_seconds, p_max_attempts, coalesce(p_secrets, '{}'), p_model)
      on conflict (id) do nothing
      returning j, true, false;
  if found then return; end if;

  select * into existing from public.jobs where id = v_id for update;
  if existing.organization_id <> org then
    raise exception 'job id collision across organizations' using errcode = 'OWCON';
  end if;
  if existing.status in ('failed', 'canceled') or (p_force and existing.status = 'completed') then
    return query
      update public.jobs as j set status = 'pending', counted_failures = 0, lost_runs = 0,
          outputs = null, failure_kind = null, failure_message = null, worker_id = null,
          started_at = null, finished_at = null, requires_vram_gb = p_requires_vram_gb,
          allowed_hardware = p_allowed_hardware, priority = p_priority, timeout_seconds = p_timeout_seconds,
          max_attempts = p_max_attempts, secrets = coalesce(p_secrets, '{}'), model = p_model
        where j.id = v_id
        returning j, false, true;
  elsif existing.status = 'pending' then
    -- Still waiting: the newest scheduling hints apply (e.g. resubmitted with more VRAM).
    return query
      update public.jobs as j set requires_vram_gb = p_requires_vram_gb, allowed_hardware = p_allowed_hardware,
          priority = p_priority, timeout_seconds = p_timeout_seconds, max_attempts = p_max_attempts,
          secrets = coalesce(p_secrets, '{}'), model = p_model
        where j.id = v_id
        returning j, false, false;
  else
    return query select existing, false, false;
  end if;
end;
$$;
revoke all on function public.submit_job from public, anon;
grant execute on function public.submit_job to authenticated, service_role;
grant execute on function public.job_content_id to authenticated, service_role;
