-- Why: one row per worker process (usually one per GPU pod). The scaler creates the row before
-- the pod exists (status starting); the worker registers its real hardware; heartbeats keep
-- last_heartbeat_at fresh; shutdown_requested is how the scaler or a user asks it to leave.
-- Value rules are the columns' domains (20261129000250_value_domains.sql).
create table public.workers (
  id public.worker_id primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  status public.worker_status not null default 'starting',
  provider public.provider_name not null default 'local',
  pod_id public.pod_id,
  image public.image_ref not null,
  hardware_type public.hardware_type,
  gpu_type text,
  gpu_count public.gpu_count not null default 0,
  vram_gb public.worker_vram_gb not null default 0,
  cached_models text[] not null default '{}',
  cost_per_hour public.cost_per_hour not null default 0,
  shutdown_requested boolean not null default false,
  shutdown_reason text,
  shutdown_requested_at timestamptz,
  last_heartbeat_at timestamptz,
  -- Last time it started or finished a run (idle detection).
  last_active_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  terminated_at timestamptz,
  constraint terminated_iff_ended check ((status in ('terminated', 'lost')) = (terminated_at is not null))
);
create index workers_org_status_idx on public.workers (organization_id, status);
create index workers_live_idx on public.workers (status) where status in ('starting', 'active', 'shutdown');
create unique index workers_pod_idx on public.workers (provider, pod_id) where pod_id is not null;
create trigger workers_touch before update on public.workers
  for each row execute function internal.touch_updated_at();
