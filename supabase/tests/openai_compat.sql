-- The openai schema (batches, idempotency keys) and on-demand serving, acting as real callers:
-- each organization sees and writes only its own rows; worker tokens and anon get nothing; an
-- Idempotency-Key returns what it made for 24 hours and refuses to be reused for another request.
begin;
set local search_path = public, extensions;
select plan(19);
\ir helpers/queue.psql

do $$ begin
  perform pg_temp.new_org('A');
  perform pg_temp.new_org('B');
  perform pg_temp.new_member_token('A', 'member A');
  perform pg_temp.new_worker_token('A', 'worker A');
end $$;

insert into openai.batches (organization_id, id, input_file_id, endpoint, completion_window, model, request_total)
values (pg_temp.org('A'), 'inference-aaaaaaaaaaaa', 'batch:file-aaaaaaaaaaaa', '/v1/chat/completions', '24h', 'm/m', 2),
       (pg_temp.org('B'), 'inference-bbbbbbbbbbbb', 'batch:file-bbbbbbbbbbbb', '/v1/chat/completions', '24h', 'm/m', 1);

-- batches: read, insert, finalize — own organization only
select is(pg_temp.as_json('member A', 'select id from openai.batches'), '[{"id": "inference-aaaaaaaaaaaa"}]', 'a member sees its organization''s batches only');
select is(pg_temp.as_json('admin B', 'select id from openai.batches'), '[{"id": "inference-bbbbbbbbbbbb"}]', 'so does the other organization');
select is(pg_temp.as_json('worker A', 'select id from openai.batches'), '[]', 'a worker token sees no batches');
select throws_ok($q$ select pg_temp.as_json('anon', 'select id from openai.batches') $q$, '42501', null, 'anon cannot read batches');
select throws_ok(format($q$ select pg_temp.as_json('member A', 'insert into openai.batches (organization_id, id, input_file_id, endpoint, completion_window, model, request_total) values (''%s'', ''inference-cccccccccccc'', ''f'', ''/v1/chat/completions'', ''24h'', ''m'', 1) returning id') $q$, pg_temp.org('B')),
  '42501', null, 'a member cannot add a batch to another organization');
select is(pg_temp.as_json('member A', format('insert into openai.batches (organization_id, id, input_file_id, endpoint, completion_window, model, request_total) values (%L, ''inference-cccccccccccc'', ''f'', ''/v1/chat/completions'', ''24h'', ''m'', 1) returning id', pg_temp.org('A'))),
  '[{"id": "inference-cccccccccccc"}]', 'a member adds a batch to its own organization');
select throws_ok(format($q$ select pg_temp.as_json('member A', 'insert into openai.batches (organization_id, id, input_file_id, endpoint, completion_window, model, request_total) values (''%s'', ''inference-dddddddddddd'', ''f'', ''/v1/embeddings'', ''24h'', ''m'', 1) returning id') $q$, pg_temp.org('A')),
  '23514', null, 'only /v1/chat/completions batches exist');
select is(pg_temp.as_json('member A', 'update openai.batches set output_file_id = ''x'', request_completed = 1, request_failed = 0 returning id'),
  '[{"id": "inference-aaaaaaaaaaaa"}, {"id": "inference-cccccccccccc"}]', 'finalizing touches only the member''s organization');
select throws_ok($q$ select pg_temp.as_json('member A', 'update openai.batches set model = ''other'' returning id') $q$, '42501', null, 'a batch''s request fields are not writable');
select throws_ok($q$ select pg_temp.as_json('member A', 'delete from openai.batches returning id') $q$, '42501', null, 'batches are not deleted by callers');

-- idempotency keys
select is(pg_temp.as_one('member A', 'select openai.remembered(''k1'', ''POST /x'', repeat(''a'', 64)) as id') ->> 'id', null, 'a new key has made nothing');
select is(pg_temp.as_one('member A', 'select openai.remember(''k1'', ''POST /x'', repeat(''a'', 64), ''job-1'') as id') ->> 'id', 'job-1', 'the first request records what it made');
select is(pg_temp.as_one('member A', 'select openai.remember(''k1'', ''POST /x'', repeat(''a'', 64), ''job-2'') as id') ->> 'id', 'job-1', 'a concurrent twin gets the first record');
select is(pg_temp.as_one('admin A', 'select openai.remembered(''k1'', ''POST /x'', repeat(''a'', 64)) as id') ->> 'id', 'job-1', 'the key is the organization''s, whoever retries');
select is(pg_temp.as_one('admin B', 'select openai.remembered(''k1'', ''POST /x'', repeat(''a'', 64)) as id') ->> 'id', null, 'another organization''s key is unrelated');
select throws_ok($q$ select pg_temp.as_one('member A', 'select openai.remembered(''k1'', ''POST /x'', repeat(''b'', 64)) as id') $q$, 'OWCON', null, 'a key reused for another request is a conflict');
update openai.idempotency_keys set created_at = now() - interval '25 hours' where key = 'k1';
select is(pg_temp.as_one('member A', 'select openai.remember(''k1'', ''POST /x'', repeat(''b'', 64), ''job-3'') as id') ->> 'id', 'job-3', 'after 24 hours a key may be used again');
select throws_ok($q$ select pg_temp.as_one('worker A', 'select openai.remember(''k2'', ''POST /x'', repeat(''a'', 64), ''job-1'') as id') $q$, '42501', null, 'a worker token cannot record keys');

-- on-demand serving is an admin's switch
select is(pg_temp.as_json('member A', 'update public.organization_limits set on_demand_serving = true returning on_demand_serving'), '[]', 'a member cannot allow on-demand serving');

select * from finish();
rollback;
