-- Why: the local stack's workers are processes of its pod agent. When the stack restarts (or its pod
-- agent crashes, or one worker process dies), those processes are gone at once, but their rows stayed
-- `active` until the scaler noticed them silent (heartbeat or pod-missing timeout, 120 s): meanwhile
-- they counted against max_workers and held their runs' leases, so the queue stood still for two
-- minutes after a restart (issue 11, item 6). The local stack, which knows those processes are dead,
-- calls this at start and when its pod agent reports a worker exit: each worker's in-progress runs are
-- settled as `lost` through the normal path (internal.settle_worker_runs → settle_failed_run: the job
-- goes back to pending without costing an attempt, or fails `lost` past internal.max_lost_runs), then
-- the worker row ends `lost` and its tokens are revoked, so a straggler of that worker can neither
-- renew nor complete anything. Lock order job → run → worker, as everywhere (20261203110300).
-- Only the stack's superuser connection calls it; no API role may.
create function internal.mark_workers_lost(p_worker_ids text[], p_reason text)
returns table (worker_id text, requeued_runs integer)
language plpgsql set search_path = ''
as $$
declare
  w record;
  settled uuid[];
begin
  for w in
    select x.id, x.organization_id from public.workers x
      where x.id = any (p_worker_ids) and x.status in ('starting', 'active', 'shutdown')
      order by x.id
  loop
    settled := internal.settle_worker_runs(w.id, w.organization_id, 'lost', p_reason, 'lost');
    update public.workers x set status = 'lost', terminated_at = now(),
        shutdown_reason = coalesce(x.shutdown_reason, left(p_reason, 1000))
      where x.id = w.id and x.status in ('starting', 'active', 'shutdown');
    update public.api_tokens t set revoked_at = now() where t.worker_id = w.id and t.revoked_at is null;
    worker_id := w.id;
    requeued_runs := coalesce(cardinality(settled), 0);
    return next;
  end loop;
end;
$$;

revoke all on function internal.mark_workers_lost from public, anon, authenticated, service_role;
