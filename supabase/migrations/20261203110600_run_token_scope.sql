-- Why: a job's run token (its OPENWEIGHTS_API_KEY) was a member credential of the whole
-- organization while its run lasted: the job could read every job, log and file of the
-- organization (issue 11, item 10). A run token now carries token_role 'run' and its job id, and
-- reads only its own job: the job, its runs, events and logs, and the files the job mounts. It
-- writes nothing (every write path asks internal.is_member, which a run token is not), and it works
-- only while its run is in progress (internal.assert_live_credential).
create function internal.run_job_id() returns text
language sql stable
return case when internal.token_role() = 'run' then internal.claims() ->> 'job_id' end;

alter policy organizations_read on public.organizations
  using (internal.is_member(id) or internal.is_org_worker(id) or (id = internal.claim_org() and internal.run_job_id() is not null));

alter policy jobs_read on public.jobs
  using (
    internal.is_member(organization_id)
    or (organization_id = internal.claim_org() and id = internal.run_job_id())
    or exists (
      select from public.runs r
      where r.job_id = jobs.id and r.worker_id = internal.worker_id() and r.status = 'in_progress'
    )
  );

alter policy runs_read on public.runs
  using (
    internal.is_member(organization_id)
    or (worker_id = internal.worker_id() and internal.is_org_worker(organization_id))
    or (organization_id = internal.claim_org() and job_id = internal.run_job_id())
  );

alter policy events_read on public.events
  using (internal.is_member(organization_id) or (organization_id = internal.claim_org() and job_id = internal.run_job_id()));

alter policy run_logs_read on public.run_logs
  using (internal.is_member(organization_id) or (organization_id = internal.claim_org() and job_id = internal.run_job_id()));

alter policy files_read on public.files
  using (
    internal.is_member(organization_id)
    or (organization_id = internal.claim_org() and exists (
      select from public.jobs j, jsonb_each_text(j.mounts) m
      where j.id = internal.run_job_id() and j.organization_id = files.organization_id and m.value = files.id))
  );
