-- Why: a job is what was asked for, identified by content (see public.submit_job). The status
-- machine is pending → in_progress → completed | failed | canceled; CHECKs tie the timestamps and
-- failure fields to it. Members never update rows directly: submit/cancel/restart functions and
-- the worker protocol do, so nobody can rewrite another job's entrypoint. Each column's own value
-- rules (formats, lengths, ranges) are its domain's (20261129000250_value_domains.sql).
create table public.jobs (
  id public.job_id primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  type public.job_type not null,
  status public.job_status not null default 'pending',
  image public.image_ref not null,
  entrypoint public.job_argv not null,
  params public.json_object not null default '{}',
  mounts public.json_object not null default '{}',
  requires_vram_gb public.job_vram_gb not null default 24,
  allowed_hardware public.hardware_list,
  priority public.job_priority not null default 0,
  timeout_seconds public.job_timeout_seconds not null default 86400,
  max_attempts public.attempt_limit not null default 3,
  -- Runs started so far (the next run's attempt number is attempts + 1).
  attempts public.counter not null default 0,
  -- Failures that count against max_attempts (the job's own fault); lost/preempted runs do not.
  counted_failures public.counter not null default 0,
  -- Runs lost with their worker; bounded separately so a job that kills its pod cannot loop forever.
  lost_runs public.counter not null default 0,
  secrets public.secret_names not null default '{}',
  model public.model_ref,
  outputs jsonb,
  failure_kind public.failure_kind,
  failure_message public.failure_text,
  -- Why a pending job still waits, as the scaler last saw it (null once claimed).
  waiting_reason public.waiting_note,
  worker_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint finished_iff_terminal check ((status in ('completed', 'failed', 'canceled')) = (finished_at is not null)),
  constraint failure_only_when_failed check ((failure_kind is not null) = (status in ('failed', 'canceled'))),
  constraint worker_only_in_progress check (worker_id is null or status = 'in_progress'),
  constraint started_before_finished check (started_at is null or finished_at is null or started_at <= finished_at)
);
-- Claim: pending jobs of an org and image, best first.
create index jobs_claim_idx on public.jobs (organization_id, image, priority desc, created_at, id) where status = 'pending';
-- Lists: newest first, optionally by status (by type: walk newest-first and filter); params
-- containment. Every index here is rewritten on each status change (no HOT updates), so each
-- must serve a query; jobs_claim_idx also serves the scaler's scan of pending jobs.
create index jobs_org_created_idx on public.jobs (organization_id, created_at desc, id desc);
create index jobs_org_status_idx on public.jobs (organization_id, status, created_at desc);
create index jobs_params_idx on public.jobs using gin (params jsonb_path_ops);
create trigger jobs_touch before update on public.jobs
  for each row execute function internal.touch_updated_at();
