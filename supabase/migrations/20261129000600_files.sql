-- Why: datasets, mounted code and results are content-addressed blobs
-- (`{purpose}:file-{sha256(content + org)[:12]}`); the row is metadata, the bytes live in the
-- FileStore (Supabase Storage or local disk). bytes is bigint: the original's integer capped at 2 GiB.
create table public.files (
  id text primary key constraint id_format check (id ~ '^[a-z_]{1,32}:file-[0-9a-f]{12}$'),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  filename text not null constraint filename_length check (char_length(filename) between 1 and 255),
  purpose text not null constraint purpose_known check (
    purpose in ('conversations', 'preference', 'custom_job_file', 'result', 'log', 'logprobs', 'samples', 'checkpoint')
  ),
  bytes bigint not null constraint bytes_nonnegative check (bytes >= 0),
  sha256 text not null constraint sha256_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  constraint id_matches_purpose check (split_part(id, ':', 1) = purpose)
);
create index files_org_created_idx on public.files (organization_id, created_at desc, id desc);
create index files_org_purpose_idx on public.files (organization_id, purpose, created_at desc);
