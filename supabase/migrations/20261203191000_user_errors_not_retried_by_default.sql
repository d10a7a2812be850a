-- Why: a deterministic failure of the job's own code (syntax error, `exit 3`) was retried three
-- times by default, so a typo cost three GPU runs (issue 15). A job now gets one attempt at its own
-- code unless it asks for more (`max_attempts`, `ow exec --max-attempts`). Platform failures
-- (lost, preempted, system_error) keep their automatic retries: they never used attempts, and stay
-- capped by internal.max_lost_runs(). The mapping in internal.failure_decision is unchanged and is
-- now tied to contract/failure-policy.ts by a parity test (tests/db/failure-policy-parity.test.ts),
-- which also holds this default equal to the contract's JOB_DEFAULTS.max_attempts.
alter table public.jobs alter column max_attempts set default 1;

-- submit_job's parameter default follows. Its definition is rewritten in place (only the default
-- changes) rather than restated here, so this migration cannot undo another migration's change to
-- the body.
do $$
declare
  def text := pg_get_functiondef('public.submit_job(text, text, text[], jsonb, jsonb, integer, text[], integer, integer, integer, text[], text, text, boolean)'::regprocedure);
  changed text := replace(def, 'p_max_attempts integer DEFAULT 3', 'p_max_attempts integer DEFAULT 1');
begin
  if changed = def then
    raise exception 'submit_job: the p_max_attempts default was not found';
  end if;
  execute changed;
end $$;

comment on column public.jobs.max_attempts is
  'Runs that may fail by the job''s own fault (user_error, oom, timeout) before it fails; 1 unless the job asks for more. Platform failures do not count.';
