-- Why: long-polls (a worker waiting for a job, a reader waiting for log lines) wake on NOTIFY
-- instead of polling the tables: an idle worker starts a new job within milliseconds, and a log
-- line is readable as soon as it is committed. Payloads are ids only (NOTIFY is not secured);
-- readers re-query through RLS. NOTIFY is delivered at commit, so nobody wakes to uncommitted rows.
create function internal.notify_job_pending() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.status = 'pending' and (tg_op = 'INSERT' or old.status is distinct from 'pending') then
    perform pg_notify('ow_jobs', new.organization_id::text);
  end if;
  return null;
end;
$$;
create trigger jobs_notify_pending after insert or update of status on public.jobs
  for each row execute function internal.notify_job_pending();

create function internal.notify_run_log() returns trigger
language plpgsql set search_path = ''
as $$
begin
  perform pg_notify('ow_logs', new.run_id::text);
  return null;
end;
$$;
create trigger run_logs_notify after insert on public.run_logs
  for each row execute function internal.notify_run_log();

-- A finished run wakes its log followers too, so `logs -f` ends promptly.
create function internal.notify_run_finished() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.status = 'in_progress' and new.status <> 'in_progress' then
    perform pg_notify('ow_logs', new.id::text);
  end if;
  return null;
end;
$$;
create trigger runs_notify_finished after update of status on public.runs
  for each row execute function internal.notify_run_finished();
