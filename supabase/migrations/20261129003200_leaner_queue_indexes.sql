-- Why: every status change of a job rewrites its row into every index of jobs (the partial
-- indexes on status rule out HOT updates), and every run insert touches every index of runs;
-- bench:claim showed index maintenance dominating a claim+complete. Three indexes served no
-- query that another index does not serve as well:
-- - jobs_pending_idx: the scaler's snapshot reads all pending jobs; jobs_claim_idx (partial on
--   pending) covers that scan.
-- - jobs_org_type_idx: listing by type walks jobs_org_created_idx newest-first and filters.
-- - runs_org_idx: runs are read by job (runs_job_idx) or by worker (runs_worker_live_idx).
drop index public.jobs_pending_idx;
drop index public.jobs_org_type_idx;
drop index public.runs_org_idx;
