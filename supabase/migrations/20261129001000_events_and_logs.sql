-- Why: events are structured records a run emits; logs are its stdout/stderr as ordered chunks.
-- Both carry a per-run sequence number chosen by the worker and are unique on (run, seq), so a
-- retried write is a no-op: nothing is dropped, nothing is duplicated.
create table public.events (
  id bigint generated always as identity primary key,
  run_id uuid not null references public.runs (id) on delete cascade,
  job_id text not null references public.jobs (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  seq integer not null constraint seq_nonnegative check (seq >= 0),
  type text constraint type_length check (char_length(type) <= 100),
  data jsonb not null constraint data_is_object check (jsonb_typeof(data) = 'object'),
  created_at timestamptz not null default now(),
  constraint one_event_per_seq unique (run_id, seq)
);
create index events_job_idx on public.events (job_id, id);
create index events_job_type_idx on public.events (job_id, type, id);

create table public.run_logs (
  run_id uuid not null references public.runs (id) on delete cascade,
  seq integer not null constraint seq_nonnegative check (seq >= 0),
  job_id text not null references public.jobs (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- One char per line: 'o' stdout, 'e' stderr.
  streams text not null constraint streams_format check (streams ~ '^[oe]+$'),
  lines text[] not null,
  created_at timestamptz not null default now(),
  primary key (run_id, seq),
  constraint one_stream_per_line check (char_length(streams) = cardinality(lines)),
  constraint chunk_size check (cardinality(lines) between 1 and 10000)
);
create index run_logs_job_idx on public.run_logs (job_id);
