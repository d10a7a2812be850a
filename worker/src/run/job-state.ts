import { join } from "node:path";

/**
 * Where a job keeps state across its attempts on this machine (OPENWEIGHTS_JOB_STATE): a training
 * job killed mid-run finds its checkpoints there on the retried attempt, instead of starting over.
 * Removed once no further attempt can come. Job ids are `{type}-{hex}[-suffix]`; anything else is
 * flattened so the path stays inside `workRoot`.
 */
export function jobStateDir(workRoot: string, jobId: string): string {
  // A sibling of the runs' working directories, not under a shared parent: removing it leaves
  // workRoot as it was (nothing left behind once a job is settled).
  return join(workRoot, `job-state-${jobId.replace(/[^A-Za-z0-9_.-]/g, "_")}`);
}
