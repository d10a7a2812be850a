-- Why: whether a worker can take a job (allowed_hardware, when the user named hardware, must list
-- the worker's hardware; otherwise the worker's VRAM must cover requires_vram_gb) was written out
-- three times: in both selects of public.claim_job and in the api's idle-capacity probe
-- (_shared/db/submit-job.ts). Now it is one function, and the scaler's TypeScript copy
-- (_shared/scaling/placement.ts `fits`) is held to it by tests/db/fit-rule-parity.test.ts, which
-- evaluates this function on a generated grid of jobs × workers.
--
-- It is `language sql immutable` with a single expression, no SET clause and security invoker so
-- the planner inlines it (PostgreSQL inlines only such functions; `set search_path` would prevent
-- it): inlined, claim_job's plan is the one it had with the expression written out (pgTAP
-- job_fits_worker.sql checks that EXPLAIN no longer names the function). Without the SET, its body
-- resolves names at call time; it names only parameters and pg_catalog's `=`, `<=`, `any` and
-- `coalesce`, and pg_catalog is searched first whatever search_path says.
create function internal.job_fits_worker(p_allowed_hardware text[], p_requires_vram_gb integer,
  p_hardware_type text, p_vram_gb integer)
returns boolean
language sql immutable parallel safe
as $$
  select coalesce(case when p_allowed_hardware is not null then p_hardware_type = any (p_allowed_hardware)
                       else p_requires_vram_gb <= p_vram_gb end, false)
$$;
comment on function internal.job_fits_worker is
  'The job↔worker fit rule: named hardware must list the worker''s, otherwise its VRAM must cover the job. Used by claim_job and the api''s idle-capacity probe; mirrored by the scaler''s placement.ts fits().';
revoke all on function internal.job_fits_worker from public, anon;
grant execute on function internal.job_fits_worker to authenticated, service_role;

-- claim_job's two selects use it. The definition is rewritten in place (only the predicate
-- changes) rather than restated, so this migration cannot undo another migration's change to the
-- rest of the body; it fails loudly if the predicate is not found exactly twice.
do $$
declare
  def text := pg_get_functiondef('public.claim_job(integer)'::regprocedure);
  pattern text := '\(case when j\.allowed_hardware is not null then w\.hardware_type = any \(j\.allowed_hardware\)\s+else j\.requires_vram_gb <= w\.vram_gb end\)';
  found integer := (select count(*) from regexp_matches(def, pattern, 'g'));
  changed text;
begin
  if found <> 2 then
    raise exception 'claim_job: expected the fit predicate twice, found it % times', found;
  end if;
  changed := regexp_replace(def, pattern,
    'internal.job_fits_worker(j.allowed_hardware, j.requires_vram_gb, w.hardware_type, w.vram_gb)', 'g');
  execute changed;
end $$;
