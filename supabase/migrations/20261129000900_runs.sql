-- Why: a run is one attempt at a job on one worker, holding a lease the worker renews by
-- heartbeat. The partial unique index is the database's promise that a job never has two runs
-- in progress at once.
create table public.runs (
  id uuid primary key default gen_random_uuid(),
  job_id text not null references public.jobs (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  worker_id text not null,
  attempt public.attempt_number not null,
  status public.run_status not null default 'in_progress',
  lease_expires_at timestamptz not null,
  exit_code public.exit_code,
  failure_kind public.failure_kind,
  failure_message public.failure_text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  last_heartbeat_at timestamptz not null default now(),
  constraint finished_iff_not_in_progress check ((status = 'in_progress') = (finished_at is null)),
  constraint failure_kind_iff_unsuccessful check ((failure_kind is not null) = (status in ('failed', 'canceled', 'lost'))),
  constraint one_attempt_number_per_job unique (job_id, attempt)
);
create unique index runs_one_in_progress_per_job on public.runs (job_id) where status = 'in_progress';
-- A job's runs in attempt order are read through one_attempt_number_per_job (job_id, attempt).
create index runs_worker_live_idx on public.runs (worker_id) where status = 'in_progress';
create index runs_lease_idx on public.runs (lease_expires_at) where status = 'in_progress';
