-- Why: the scaler is stateless between ticks; what it must remember lives here. Cooldowns keep
-- it from hammering hardware that just failed to start (a ladder: each failure lengthens the
-- wait); scaling_actions is the audit trail of every decision it applied.
create table public.hardware_cooldowns (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  gpu text not null constraint gpu_length check (char_length(gpu) between 1 and 100),
  level integer not null default 1 constraint level_positive check (level >= 1),
  -- Consecutive failures not yet turned into a cooldown (the ladder's threshold).
  failures integer not null default 0 constraint failures_nonnegative check (failures >= 0),
  until timestamptz,
  last_error text,
  updated_at timestamptz not null default now(),
  primary key (organization_id, gpu)
);

create table public.scaling_actions (
  id bigint generated always as identity primary key,
  organization_id uuid references public.organizations (id) on delete cascade,
  tick_id uuid not null,
  kind text not null constraint kind_length check (char_length(kind) between 1 and 50),
  worker_id text,
  pod_id text,
  detail jsonb not null default '{}',
  outcome text not null default 'applied' constraint outcome_known check (outcome in ('applied', 'failed', 'skipped')),
  error text,
  created_at timestamptz not null default now()
);
create index scaling_actions_org_idx on public.scaling_actions (organization_id, created_at desc);
