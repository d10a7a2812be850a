-- Why: where Supabase Realtime exists, new log chunks and events are broadcast on a private
-- per-job channel (`job:<id>`) so the dashboard shows them live. The tables stay the source of
-- truth (Realtime does not guarantee delivery). Guarded: on plain Postgres realtime.send does not
-- exist and this migration creates nothing.
do $guard$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    raise notice 'realtime.send not found: live broadcast disabled (readers long-poll instead)';
    return;
  end if;
  execute $fn$
    create function internal.broadcast_run_activity() returns trigger
    language plpgsql security definer set search_path = ''
    as $body$
    begin
      if tg_table_name = 'run_logs' then
        perform realtime.send(jsonb_build_object('run_id', new.run_id, 'seq', new.seq, 'streams', new.streams,
          'lines', to_jsonb(new.lines)), 'log', 'job:' || new.job_id, true);
      else
        perform realtime.send(jsonb_build_object('run_id', new.run_id, 'seq', new.seq, 'type', new.type,
          'data', new.data), 'event', 'job:' || new.job_id, true);
      end if;
      return null;
    exception when others then
      -- Broadcasting is best effort; never fail the write that feeds the source of truth.
      return null;
    end;
    $body$
  $fn$;
  execute 'create trigger run_logs_broadcast after insert on public.run_logs for each row execute function internal.broadcast_run_activity()';
  execute 'create trigger events_broadcast after insert on public.events for each row execute function internal.broadcast_run_activity()';
  -- Members of the job's organization may join its private channel.
  execute $pol$
    create policy "members receive their jobs' broadcasts" on realtime.messages for select to authenticated
    using (
      realtime.topic() like 'job:%'
      and exists (select from public.jobs j where j.id = substr(realtime.topic(), 5) and internal.is_member(j.organization_id))
    )
  $pol$;
end
$guard$;
