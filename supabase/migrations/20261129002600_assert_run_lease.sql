-- Why: the worker-api checks a run's lease before streaming a large result upload, so a worker
-- that lost its job learns it before sending gigabytes. Same fence as every write after a claim.
-- enable_seqscan = off: see 20261129001700_run_lifecycle.sql.
create function public.assert_run_lease(p_run_id uuid) returns void
language plpgsql security definer set search_path = '' set enable_seqscan = off
as $$
begin
  perform internal.leased_run(p_run_id, false);
end;
$$;
revoke all on function public.assert_run_lease from public, anon;
grant execute on function public.assert_run_lease to authenticated, service_role;
