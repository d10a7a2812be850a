-- Why: a fine-tune's `finetuned_model_id` template may say `{job_id}` so the model names the job
-- that made it. The SDK cannot fill it in: the job's id is the database's hash of the request
-- (public.job_content_id), and the request contains the name. So the SDK sends `{job_id}` as is,
-- the id is computed over the request with the placeholder in it (identical requests still get
-- one id), and this trigger writes the id into the stored name as the row is inserted. Before,
-- the SDK put a hash of its own there, which matched no job (issue 12). Only `params` of new rows
-- change; a deduplicated resubmission inserts nothing and keeps the stored name.
create function internal.fill_job_id_in_model_name() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if jsonb_typeof(new.params -> 'finetuned_model_id') = 'string'
      and strpos(new.params ->> 'finetuned_model_id', '{job_id}') > 0 then
    new.params := jsonb_set(new.params, '{finetuned_model_id}',
      to_jsonb(replace(new.params ->> 'finetuned_model_id', '{job_id}', new.id)));
  end if;
  return new;
end;
$$;
revoke all on function internal.fill_job_id_in_model_name from public;

create trigger jobs_fill_job_id_in_model_name before insert on public.jobs
  for each row execute function internal.fill_job_id_in_model_name();
