-- Why: a page watching a job must also learn, live, when the job changes status (pending →
-- in_progress → completed …) and when a run starts or ends (the logs and events it streams are
-- per run). Same private channel as the log/event broadcast (`job:<id>`, authorized by the policy
-- on realtime.messages from 20261129002500), same rule: the tables stay the source of truth, a
-- broadcast only says "look again". Guarded like that migration: without realtime.send it creates
-- nothing and readers long-poll.
do $guard$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    raise notice 'realtime.send not found: live job status disabled (readers long-poll instead)';
    return;
  end if;
  execute $fn$
    create function internal.broadcast_status_change() returns trigger
    language plpgsql security definer set search_path = ''
    as $body$
    begin
      if tg_table_name = 'jobs' then
        perform realtime.send(jsonb_build_object('job_id', new.id, 'status', new.status,
          'waiting_reason', new.waiting_reason), 'status', 'job:' || new.id, true);
      else
        perform realtime.send(jsonb_build_object('job_id', new.job_id, 'run_id', new.id,
          'attempt', new.attempt, 'status', new.status), 'run', 'job:' || new.job_id, true);
      end if;
      return null;
    exception when others then
      -- Best effort, as for logs: never fail the state change that is the source of truth.
      return null;
    end;
    $body$
  $fn$;
  execute 'create trigger jobs_broadcast_status after update of status on public.jobs for each row
    when (old.status is distinct from new.status) execute function internal.broadcast_status_change()';
  execute 'create trigger runs_broadcast_status after insert or update of status on public.runs for each row
    execute function internal.broadcast_status_change()';
end
$guard$;
