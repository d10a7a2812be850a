-- A completed job's outputs name every result file the run uploaded (outputs.files: path → file
-- id), not only the last one; the other event keys merge as before (later non-null values win).
begin;
set local search_path = public, extensions;
select plan(8);
\ir helpers/queue.psql

create temp table kept (id uuid not null);

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_worker('A', 'w1');
  perform pg_temp.new_worker('A', 'w2');
  perform pg_temp.submit('admin A', 'files');
  insert into pg_temp.kept select (pg_temp.claim('w1') ->> 'id')::uuid;
end $$;

select is(pg_temp.as_one('w1', format($$select public.append_run_events(%L, '[
  {"seq": 0, "data": {"type": "metrics", "loss": 2.0}},
  {"seq": 1, "data": {"type": "file", "path": "final_model/adapter_config.json", "file_id": "result:file-aaaaaaaaaaaa"}},
  {"seq": 2, "data": {"type": "file", "path": "final_model/adapter_model.safetensors", "file_id": "result:file-bbbbbbbbbbbb"}},
  {"seq": 3, "data": {"type": "metrics", "loss": 1.0}}]') as r$$, (select id from pg_temp.kept))) -> 'r',
  '4'::jsonb, 'the worker appends metrics and two file events');
-- result uploads announce each file with its own event, as the worker (who cannot read events)
select is(pg_temp.as_one('w1', format($$select public.append_result_file_event(%L, 'result:file-cccccccccccc', 'logs/a.txt', 1) as s$$, (select id from pg_temp.kept))) -> 's',
  '1000000000'::jsonb, 'the first uploaded result gets the first server seq');
select is(pg_temp.as_one('w1', format($$select public.append_result_file_event(%L, 'result:file-dddddddddddd', 'logs/b.txt', 1) as s$$, (select id from pg_temp.kept))) -> 's',
  '1000000001'::jsonb, 'the next one gets the next seq instead of colliding with the first');
select is(pg_temp.as_one('w1', format($$select public.append_result_file_event(%L, 'result:file-cccccccccccc', 'logs/a.txt', 1) as s$$, (select id from pg_temp.kept))) -> 's',
  '1000000000'::jsonb, 'a retried upload of the same file returns its event and adds none');
select throws_ok(format($$select pg_temp.as_json('w2', format('select public.append_result_file_event(%%L, ''result:file-eeeeeeeeeeee'', ''x'', 1)', %L))$$, (select id from pg_temp.kept)),
  'OWLEA', null, 'a worker without the lease cannot announce a result');
select is(pg_temp.as_one('w1', format('select * from public.complete_run(%L, 0)', (select id from pg_temp.kept))),
  '{"job_status": "completed", "will_retry": false}'::jsonb, 'the run completes');
select is((select outputs -> 'files' from public.jobs j join public.runs r on r.job_id = j.id where r.id = (select id from pg_temp.kept)),
  '{"final_model/adapter_config.json": "result:file-aaaaaaaaaaaa", "final_model/adapter_model.safetensors": "result:file-bbbbbbbbbbbb", "logs/a.txt": "result:file-cccccccccccc", "logs/b.txt": "result:file-dddddddddddd"}'::jsonb,
  'outputs.files keeps every uploaded result file by path');
select is((select outputs ->> 'loss' from public.jobs j join public.runs r on r.job_id = j.id where r.id = (select id from pg_temp.kept)),
  '1.0', 'other keys still merge with the latest value winning');

select * from finish();
rollback;
