-- Why: closed vocabularies are enums so a typo can never become a state. Mirrors
-- supabase/functions/_shared/contract/enums.ts (the glossary lives there and in the README).
create type public.job_status as enum ('pending', 'in_progress', 'completed', 'failed', 'canceled');
create type public.run_status as enum ('in_progress', 'completed', 'failed', 'canceled', 'lost');
create type public.failure_kind as enum (
  'user_error', 'timeout', 'canceled', 'lost', 'preempted', 'no_capacity', 'oom', 'system_error'
);
create type public.worker_status as enum ('starting', 'active', 'shutdown', 'terminated', 'lost');
create type public.token_role as enum ('admin', 'member', 'worker');
create type public.member_role as enum ('admin', 'member');
create type public.provider_name as enum ('runpod', 'local');
