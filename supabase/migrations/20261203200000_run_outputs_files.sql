-- A job's `outputs` kept only the last value of each event key, so with several result files
-- `outputs.file` named whichever was uploaded last (issue 12: a training run uploads the adapter's
-- files, checkpoints and logs; only one survived). Now `outputs.files` maps every uploaded result
-- path to its file id (from the worker's `file` events); the merged keys stay as they were, so
-- readers of `outputs.file` see the same value as before.
create or replace function internal.run_outputs(p_run_id uuid) returns jsonb
language plpgsql stable set search_path = ''
as $$
declare
  merged jsonb;
  files jsonb;
begin
  select coalesce(jsonb_object_agg(f.key, f.value), '{}'::jsonb) into merged
  from (
    select distinct on (kv.key) kv.key, kv.value
    from public.events e, jsonb_each(e.data) kv
    where e.run_id = p_run_id and kv.value <> 'null'::jsonb
    order by kv.key, e.seq desc
  ) f;
  select jsonb_object_agg(p.path, p.file_id) into files
  from (
    select distinct on (e.data ->> 'path') e.data ->> 'path' as path, e.data -> 'file_id' as file_id
    from public.events e
    where e.run_id = p_run_id and e.data ->> 'type' = 'file'
      and jsonb_typeof(e.data -> 'path') = 'string' and jsonb_typeof(e.data -> 'file_id') = 'string'
    order by e.data ->> 'path', e.seq desc
  ) p;
  return case when files is null then merged else merged || jsonb_build_object('files', files) end;
end;
$$;
revoke all on function internal.run_outputs(uuid) from public;
grant execute on function internal.run_outputs(uuid) to authenticated, service_role;

-- The `file` event of an uploaded result. Assigning its seq needs the run's existing events, which
-- a worker may not read (RLS): from the worker's role the next seq was always the base, so every
-- upload after the first collided with it and was dropped (`on conflict do nothing`) — only the
-- first result file of a run was ever announced. Here, under the run's exclusive lease lock, the
-- seq is the next free one at or above 1e9 (job events use smaller seqs), and a retried upload of
-- the same file and path returns the event it already has.
create function public.append_result_file_event(p_run_id uuid, p_file_id text, p_path text, p_bytes bigint)
returns bigint
language plpgsql security definer set search_path = ''
as $$
declare
  r public.runs := internal.leased_run(p_run_id);
  existing bigint;
  next_seq bigint;
begin
  select e.seq into existing from public.events e
    where e.run_id = r.id and e.type = 'file' and e.data ->> 'file_id' = p_file_id and e.data ->> 'path' = p_path;
  if existing is not null then
    return existing;
  end if;
  select greatest(1000000000, coalesce(max(e.seq), 0) + 1) into next_seq
    from public.events e where e.run_id = r.id and e.seq >= 1000000000;
  insert into public.events (run_id, job_id, organization_id, seq, type, data)
    values (r.id, r.job_id, r.organization_id, next_seq, 'file',
            jsonb_build_object('type', 'file', 'file_id', p_file_id, 'file', p_file_id, 'path', p_path, 'bytes', p_bytes));
  return next_seq;
end;
$$;
revoke all on function public.append_result_file_event(uuid, text, text, bigint) from public, anon;
grant execute on function public.append_result_file_event(uuid, text, text, bigint) to authenticated, service_role;
