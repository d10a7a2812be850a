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
  const sorted = [...jobs].sort(claimOrder);
  const rank = new Map<PendingJob, number>();
  const seen = new Map<string, number>();
  for (const job of sorted) {
    const key = `${job.organizationId}\u0000${job.priority}`;
    const n = seen.get(key) ?? 0;
    rank.set(job, n);
    seen.set(key, n + 1);
  }
  return sorted.sort(
    (a, b) => b.priority - a.priority || (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || claimOrder(a, b),
  );
}
