-- Why: the worker appends log chunks and events with its own per-run sequence numbers; a retry
-- after a timeout re-sends the same seq and ON CONFLICT makes it a no-op, so lines are neither
-- dropped nor duplicated. Appends are fenced like every other write after a claim, with a share
-- lock (internal.leased_run) so a concurrent completion waits for the append instead of racing it.
-- enable_seqscan = off on the appends: see 20261129001700_run_lifecycle.sql.
create function public.append_run_logs(p_run_id uuid, p_seq integer, p_streams text, p_lines text[])
returns boolean
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  r public.runs := internal.leased_run(p_run_id, false);
begin
  insert into public.run_logs (run_id, seq, job_id, organization_id, streams, lines)
    values (r.id, p_seq, r.job_id, r.organization_id, p_streams, p_lines)
    on conflict (run_id, seq) do nothing;
  return found;
end;
$$;

/** p_events: [{"seq": int, "data": {...}}, …]. Returns how many were new. */
create function public.append_run_events(p_run_id uuid, p_events jsonb)
returns integer
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
declare
  r public.runs := internal.leased_run(p_run_id, false);
  added integer;
begin
  if jsonb_typeof(p_events) <> 'array' then
    raise exception 'events must be an array' using errcode = 'OWVAL';
  end if;
  insert into public.events (run_id, job_id, organization_id, seq, type, data)
    select r.id, r.job_id, r.organization_id, (e ->> 'seq')::integer, left(e -> 'data' ->> 'type', 100), e -> 'data'
    from jsonb_array_elements(p_events) e
    on conflict (run_id, seq) do nothing;
  get diagnostics added = row_count;
  return added;
end;
$$;
revoke all on function public.append_run_logs, public.append_run_events from public, anon;
grant execute on function public.append_run_logs, public.append_run_events to authenticated, service_role;
