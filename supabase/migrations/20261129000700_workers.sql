-- Why: one row per worker process (usually one per GPU pod). The scaler creates the row before
-- the pod exists (status starting); the worker registers its real hardware; heartbeats keep
-- last_heartbeat_at fresh; shutdown_requested is how the scaler or a user asks it to leave.
create table public.workers (
  id text primary key constraint id_format check (id ~ '^[A-Za-z0-9_.-]{1,100}$'),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  status public.worker_status not null default 'starting',
  provider public.provider_name not null default 'local',
  pod_id text constraint pod_id_length check (char_length(pod_id) <= 200),
  image text not null constraint image_length check (char_length(image) between 1 and 255),
  hardware_type text constraint hardware_type_length check (char_length(hardware_type) <= 64),
  gpu_type text,
  gpu_count integer not null default 0 constraint gpu_count_range check (gpu_count between 0 and 64),
  vram_gb integer not null default 0 constraint vram_range check (vram_gb between 0 and 8192),
  cached_models text[] not null default '{}',
  cost_per_hour numeric(10, 4) not null default 0 constraint cost_nonnegative check (cost_per_hour >= 0),
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
