-- Why: jobs read credentials (HF_TOKEN, WANDB_API_KEY, …) by name. Values are encrypted by the
-- functions (AES-GCM, key held only by them) before they reach the database; the api never
-- returns them, and a job receives only the secrets it declared.
create table public.organization_secrets (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null constraint name_is_env_var check (name ~ '^[A-Z_][A-Z0-9_]{0,127}$'),
  encrypted_value text not null constraint encrypted_value_length check (char_length(encrypted_value) between 1 and 100000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, name)
);
create trigger organization_secrets_touch before update on public.organization_secrets
  for each row execute function internal.touch_updated_at();
