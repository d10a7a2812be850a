-- Why: programs authenticate with revocable API tokens. Only a SHA-256 of the secret is stored
-- (the secret has 256 random bits, so no salt is needed); the prefix is kept for display.
-- Worker tokens are bound to one worker id, so a worker can only act as itself.
create table public.api_tokens (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null constraint name_length check (char_length(name) between 1 and 100),
  prefix text not null constraint prefix_format check (prefix ~ '^ow_[A-Za-z0-9_-]{8}$'),
  token_hash text not null constraint token_hash_is_sha256_hex check (token_hash ~ '^[0-9a-f]{64}$'),
  role public.token_role not null default 'member',
  worker_id text,
  -- The token that minted this one (null for bootstrap tokens and user-session mints).
  created_by_token uuid references public.api_tokens (id) on delete set null,
  created_by_user uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  constraint worker_tokens_name_a_worker check ((role = 'worker') = (worker_id is not null)),
  constraint expiry_after_creation check (expires_at is null or expires_at > created_at)
);
create unique index api_tokens_hash_idx on public.api_tokens (token_hash);
create index api_tokens_org_idx on public.api_tokens (organization_id, created_at desc);
create index api_tokens_worker_idx on public.api_tokens (worker_id) where worker_id is not null;
