-- internal.job_fits_worker: the one fit rule (named hardware must list the worker's; otherwise its
-- VRAM must cover the job), who may call it, that the planner inlines it (so claim_job's plan is
-- the hand-written one), and that claim_job uses it in both of its selects.
begin;
set local search_path = public, extensions;
select plan(14);

select is(internal.job_fits_worker(null, 24, '1x A100', 80), true, 'VRAM decides when no hardware is named: 24 ≤ 80');
select is(internal.job_fits_worker(null, 80, '1x A100', 80), true, 'a job needing exactly the worker''s VRAM fits');
select is(internal.job_fits_worker(null, 81, '1x A100', 80), false, 'a job needing more VRAM than the worker has does not');
select is(internal.job_fits_worker(array['1x H100S', '1x A100'], 1000, '1x A100', 8), true,
  'named hardware fits whatever VRAM the job states (the user chose)');
select is(internal.job_fits_worker(array['1x H100S'], 0, '1x A100', 80), false,
  'named hardware that does not list the worker''s does not fit, however much VRAM it has');
select is(internal.job_fits_worker(array['1x H100S'], 0, null, 80), false,
  'a worker of unknown hardware fits no job that names hardware (false, not null)');

select is(
  (select p.prosecdef or p.proconfig is not null or p.provolatile <> 'i' or p.prolang <> (select oid from pg_language where lanname = 'sql')
     from pg_proc p where p.oid = 'internal.job_fits_worker'::regproc),
  false, 'it is an immutable, security-invoker SQL function without SET clauses (the conditions for inlining)');

create temp table plan_lines (line text) on commit drop;
do $$
declare l text;
begin
  for l in execute 'explain (verbose, costs off) select j.id from public.jobs j, public.workers w
      where internal.job_fits_worker(j.allowed_hardware, j.requires_vram_gb, w.hardware_type, w.vram_gb)' loop
    insert into pg_temp.plan_lines values (l);
  end loop;
end $$;
select is((select count(*)::int from pg_temp.plan_lines where line like '%job_fits_worker%'), 0,
  'the planner inlines it: EXPLAIN shows the expression, not a function call');
select ok((select count(*) > 0 from pg_temp.plan_lines where line like '%requires_vram_gb%'),
  'the inlined expression compares requires_vram_gb in the plan');

select is(
  (select count(*)::int from regexp_matches(pg_get_functiondef('public.claim_job(integer)'::regprocedure), 'internal\.job_fits_worker\(', 'g')),
  2, 'claim_job uses it in both of its selects');
select is(
  (select count(*)::int from regexp_matches(pg_get_functiondef('public.claim_job(integer)'::regprocedure), 'requires_vram_gb <=', 'g')),
  0, 'claim_job no longer spells the rule out itself');

select ok(has_function_privilege('authenticated', 'internal.job_fits_worker(text[], integer, text, integer)', 'execute'),
  'authenticated may call it (the api''s idle-capacity probe runs as the caller)');
select ok(has_function_privilege('service_role', 'internal.job_fits_worker(text[], integer, text, integer)', 'execute'),
  'service_role may call it');
select ok(not has_function_privilege('anon', 'internal.job_fits_worker(text[], integer, text, integer)', 'execute'),
  'anon may not');

select * from finish();
rollback;
