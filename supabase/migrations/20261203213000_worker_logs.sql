-- Why: what happens in a pod before and outside a run — the boot script downloading the worker,
-- the worker starting, its GPU health check, registration, a crash — had nowhere to go: run logs
-- need a run. A pod that never registered left no trace but "lost". Worker logs are lines keyed by
-- worker, written by the worker's own token (the boot script posts with it before the worker
-- exists as a process) and by the scaler (RunPod's container log of a pod it gives up on), read
-- by members of the organization. Bounded: 500 lines a call, 2,000 characters a line, and 20,000
-- lines a worker (a crash loop must not fill the database).
create table public.worker_logs (
  id bigint generated always as identity primary key,
  worker_id text not null references public.workers (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- boot: the pod's start command; worker: ow-worker itself; provider: copied from the provider's
  -- container log by the scaler.
  source text not null constraint worker_log_source check (source in ('boot', 'worker', 'provider')),
  line text not null constraint worker_log_line_length check (length(line) <= 2000),
  created_at timestamptz not null default now()
);
comment on table public.worker_logs is 'Lines about a worker outside any run (boot, start, health, registration, crash).';
create index worker_logs_by_worker on public.worker_logs (worker_id, id);

revoke all on public.worker_logs from anon, authenticated, public;
grant all on public.worker_logs to service_role;
grant select on public.worker_logs to authenticated;
alter table public.worker_logs enable row level security;
create policy worker_logs_read on public.worker_logs for select to authenticated
  using (internal.is_member(organization_id));

/**
 * Appends lines to the calling worker's log (worker tokens only). A worker whose row is ended
 * (terminated or lost) has a revoked token and cannot get here; one past its line budget is told
 * so. Returns how many lines were stored.
 */
create function public.append_worker_logs(p_source text, p_lines text[]) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  me text := internal.worker_id();
  org uuid := internal.claim_org();
  kept integer;
begin
  if me is null or org is null then
    raise exception 'only worker tokens can write worker logs' using errcode = 'OWFRB';
  end if;
  if p_source not in ('boot', 'worker') then
    raise exception 'source must be boot or worker' using errcode = 'OWVAL';
  end if;
  if coalesce(cardinality(p_lines), 0) = 0 or cardinality(p_lines) > 500 then
    raise exception 'lines must hold 1 to 500 lines' using errcode = 'OWVAL';
  end if;
  if not exists (select from public.workers where id = me and organization_id = org) then
    raise exception 'worker % does not exist', me using errcode = 'OWFRB';
  end if;
  if (select count(*) from public.worker_logs where worker_id = me) + cardinality(p_lines) > 20000 then
    raise exception 'worker % has used its 20000 log lines', me using errcode = 'OWVAL';
  end if;
  insert into public.worker_logs (worker_id, organization_id, source, line)
    select me, org, p_source, left(l, 2000) from unnest(p_lines) with ordinality as t(l, n) order by n;
  get diagnostics kept = row_count;
  return kept;
end;
$$;
revoke all on function public.append_worker_logs from public, anon;
grant execute on function public.append_worker_logs to authenticated, service_role;
