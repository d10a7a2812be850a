-- Why: organizations are isolated by RLS, the same rules a Supabase client would meet. Members
-- read their organization's rows; only admins manage tokens, secrets, members and limits; job,
-- run, event and log rows are written only through the queue functions (never by UPDATE from a
-- member), and a worker token sees only its organization's rows it leased.
-- Privileges first: Supabase grants everything on new public tables to anon/authenticated by
-- default, so take it all back and grant exactly what the policies below allow.
revoke all on public.organizations, public.organization_members, public.organization_limits,
  public.api_tokens, public.organization_secrets, public.files, public.workers, public.jobs,
  public.runs, public.events, public.run_logs, public.hardware_cooldowns, public.scaling_actions
  from anon, authenticated, public;
grant all on public.organizations, public.organization_members, public.organization_limits,
  public.api_tokens, public.organization_secrets, public.files, public.workers, public.jobs,
  public.runs, public.events, public.run_logs, public.hardware_cooldowns, public.scaling_actions
  to service_role;

grant select, update (name) on public.organizations to authenticated;
grant select, insert, update (role), delete on public.organization_members to authenticated;
grant select, update (max_workers, max_hourly_usd, max_daily_usd) on public.organization_limits to authenticated;
-- token_hash is never readable by callers; tokens are created and revoked by functions.
grant select (id, organization_id, name, prefix, role, worker_id, created_by_token, created_by_user,
  created_at, expires_at, revoked_at, last_used_at) on public.api_tokens to authenticated;
-- Secret values are write-only for callers.
grant select (organization_id, name, created_at, updated_at), insert, update (encrypted_value), delete
  on public.organization_secrets to authenticated;
grant select, insert, delete on public.files to authenticated;
grant select on public.workers, public.jobs, public.runs, public.events, public.run_logs,
  public.hardware_cooldowns, public.scaling_actions to authenticated;

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;
alter table public.organization_limits enable row level security;
alter table public.api_tokens enable row level security;
alter table public.organization_secrets enable row level security;
alter table public.files enable row level security;
alter table public.workers enable row level security;
alter table public.jobs enable row level security;
alter table public.runs enable row level security;
alter table public.events enable row level security;
alter table public.run_logs enable row level security;
alter table public.hardware_cooldowns enable row level security;
alter table public.scaling_actions enable row level security;

create policy organizations_read on public.organizations for select to authenticated
  using (internal.is_member(id) or internal.is_org_worker(id));
create policy organizations_rename on public.organizations for update to authenticated
  using (internal.is_admin(id)) with check (internal.is_admin(id));

create policy members_read on public.organization_members for select to authenticated
  using (internal.is_member(organization_id));
create policy members_add on public.organization_members for insert to authenticated
  with check (internal.is_admin(organization_id));
create policy members_change_role on public.organization_members for update to authenticated
  using (internal.is_admin(organization_id)) with check (internal.is_admin(organization_id));
create policy members_remove on public.organization_members for delete to authenticated
  using (internal.is_admin(organization_id));

create policy limits_read on public.organization_limits for select to authenticated
  using (internal.is_member(organization_id));
create policy limits_change on public.organization_limits for update to authenticated
  using (internal.is_admin(organization_id)) with check (internal.is_admin(organization_id));

-- Admins see the organization's tokens; anyone sees the token they are using.
create policy tokens_read on public.api_tokens for select to authenticated
  using (internal.is_admin(organization_id) or id = internal.token_id());

create policy secrets_read_names on public.organization_secrets for select to authenticated
  using (internal.is_admin(organization_id));
create policy secrets_add on public.organization_secrets for insert to authenticated
  with check (internal.is_admin(organization_id));
create policy secrets_change on public.organization_secrets for update to authenticated
  using (internal.is_admin(organization_id)) with check (internal.is_admin(organization_id));
create policy secrets_remove on public.organization_secrets for delete to authenticated
  using (internal.is_admin(organization_id));

create policy files_read on public.files for select to authenticated
  using (internal.is_member(organization_id));
create policy files_add on public.files for insert to authenticated
  with check (
    internal.is_member(organization_id)
    or (internal.is_org_worker(organization_id) and purpose in ('result', 'log', 'logprobs', 'samples', 'checkpoint'))
  );
create policy files_remove on public.files for delete to authenticated
  using (internal.is_member(organization_id));

create policy workers_read on public.workers for select to authenticated
  using (internal.is_member(organization_id) or (internal.is_org_worker(organization_id) and id = internal.worker_id()));

create policy jobs_read on public.jobs for select to authenticated
  using (
    internal.is_member(organization_id)
    or exists (
      select from public.runs r
      where r.job_id = jobs.id and r.worker_id = internal.worker_id() and r.status = 'in_progress'
    )
  );

create policy runs_read on public.runs for select to authenticated
  using (internal.is_member(organization_id) or (worker_id = internal.worker_id() and internal.is_org_worker(organization_id)));

create policy events_read on public.events for select to authenticated
  using (internal.is_member(organization_id));

create policy run_logs_read on public.run_logs for select to authenticated
  using (internal.is_member(organization_id));

create policy cooldowns_read on public.hardware_cooldowns for select to authenticated
  using (internal.is_member(organization_id));

create policy scaling_actions_read on public.scaling_actions for select to authenticated
  using (internal.is_member(organization_id));
