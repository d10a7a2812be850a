-- Why: a job is what was asked for, identified by content (see public.submit_job). The status
-- machine is pending → in_progress → completed | failed | canceled; CHECKs tie the timestamps and
-- failure fields to it. Members never update rows directly: submit/cancel/restart functions and
-- the worker protocol do, so nobody can rewrite another job's entrypoint.
create table public.jobs (
  id text primary key constraint id_format check (id ~ '^[a-z][a-z0-9_-]{0,39}-[0-9a-f]{12}(-[A-Za-z0-9_.-]{1,60})?$'),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  type text not null constraint type_format check (type ~ '^[a-z][a-z0-9_-]{0,39}$'),
  status public.job_status not null default 'pending',
  image text not null constraint image_length check (char_length(image) between 1 and 255),
  entrypoint text[] not null constraint entrypoint_size check (cardinality(entrypoint) between 1 and 256),
  params jsonb not null default '{}' constraint params_is_object check (jsonb_typeof(params) = 'object'),
  mounts jsonb not null default '{}' constraint mounts_is_object check (jsonb_typeof(mounts) = 'object'),
  requires_vram_gb integer not null default 24 constraint vram_range check (requires_vram_gb between 0 and 1536),
  allowed_hardware text[] constraint allowed_hardware_size check (allowed_hardware is null or cardinality(allowed_hardware) between 1 and 32),
  priority integer not null default 0 constraint priority_range check (priority between -100 and 100),
  timeout_seconds integer not null default 86400 constraint timeout_range check (timeout_seconds between 10 and 2592000),
  max_attempts integer not null default 3 constraint max_attempts_range check (max_attempts between 1 and 20),
  -- Runs started so far (the next run's attempt number is attempts + 1).
  attempts integer not null default 0 constraint attempts_nonnegative check (attempts >= 0),
  -- Failures that count against max_attempts (the job's own fault); lost/preempted runs do not.
  counted_failures integer not null default 0 constraint counted_failures_nonnegative check (counted_failures >= 0),
  -- Runs lost with their worker; bounded separately so a job that kills its pod cannot loop forever.
  lost_runs integer not null default 0 constraint lost_runs_nonnegative check (lost_runs >= 0),
  secrets text[] not null default '{}' constraint secrets_size check (cardinality(secrets) <= 64),
  model text constraint model_length check (char_length(model) <= 300),
  outputs jsonb,
  failure_kind public.failure_kind,
  failure_message text constraint failure_message_length check (char_length(failure_message) <= 10000),
  -- Why a pending job still waits, as the scaler last saw it (null once claimed).
  waiting_reason text constraint waiting_reason_length check (char_length(waiting_reason) <= 500),
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
