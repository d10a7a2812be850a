import type { FailureKind, JobStatus } from "./enums.ts";

export interface FailureDecision {
  /** Does this failure use up one of the job's `max_attempts`? */
  countsAttempt: boolean;
  /** Requeue (if attempts remain) or settle the job now. */
  retry: boolean;
  /** Job status when the job is settled (not retried). */
  finalStatus: Extract<JobStatus, "failed" | "canceled">;
}

/**
 * The one exhaustive mapping of failure kinds to retry decisions. A worker that vanished or was
 * preempted must not cost the user an attempt the way a crash in their own code does.
 * Failures of the job's own code retry only while the job's `max_attempts` allow, which is 1
 * unless the job asks for more (JOB_DEFAULTS); platform failures retry without using attempts.
 * Mirrored by SQL `internal.failure_decision` (the database applies it; this is for clients/tests);
 * tests/db/failure-policy-parity.test.ts fails when the two differ.
 */
export function failurePolicy(kind: FailureKind): FailureDecision {
  switch (kind) {
    case "user_error":
    case "oom":
      return { countsAttempt: true, retry: true, finalStatus: "failed" };
    case "timeout":
      return { countsAttempt: true, retry: false, finalStatus: "failed" };
    case "canceled":
      return { countsAttempt: false, retry: false, finalStatus: "canceled" };
    case "lost":
    case "preempted":
    case "system_error":
      return { countsAttempt: false, retry: true, finalStatus: "failed" };
    case "no_capacity":
      return { countsAttempt: false, retry: false, finalStatus: "failed" };
  }
}
