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
