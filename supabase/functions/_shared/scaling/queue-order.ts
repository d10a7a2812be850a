// Orders shared by the policy and the claim it predicts: priority first (higher first), then age
// (older first), then id, so equal inputs always give equal plans.
import type { PendingJob } from "./types.ts";

export function claimOrder(a: PendingJob, b: PendingJob): number {
  return b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The order in which jobs get new workers: by priority, then round-robin over organizations
 * (each org's 1st job of that priority, then each org's 2nd, …), then age. One organization's
 * burst of a thousand jobs cannot take the whole per-tick create cap from the others.
 */
export function fairCreateOrder(jobs: readonly PendingJob[]): PendingJob[] {
  const seen = new Map<string, number>();
  const ranked = [...jobs].sort(claimOrder).map((job) => {
    const key = `${job.organizationId}\u0000${job.priority}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return { job, rank };
  });
  ranked.sort((a, b) => b.job.priority - a.job.priority || a.rank - b.rank || claimOrder(a.job, b.job));
  return ranked.map((entry) => entry.job);
}
