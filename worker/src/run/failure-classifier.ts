import type { FailureKind } from "@contract";

import type { JobExit } from "../executors/executor.ts";

export type { JobExit } from "../executors/executor.ts";

/** Why the worker itself ended (or tried to end) the job; null when the job ended on its own. */
export type StopReason = "cancel" | "stop" | "timeout" | "preempted" | "lease_lost";

// Messages PyTorch, CUDA and friends print when GPU memory runs out.
const OOM_PATTERNS = [
  /CUDA out of memory/i,
  /OutOfMemoryError/,
  /CUBLAS_STATUS_ALLOC_FAILED/,
  /cudaErrorMemoryAllocation/,
  /\bout of memory\b.*\b(GPU|CUDA|device)\b/i,
  /MemoryError\b/,
];

export function looksLikeOom(lines: readonly string[]): boolean {
  return lines.some((line) => OOM_PATTERNS.some((p) => p.test(line)));
}

export type RunVerdict =
  | { kind: "complete"; exitCode: number }
  | { kind: "fail"; failureKind: FailureKind; message: string; exitCode: number | null };

/** Decides what to report for a finished job; `exit` is null when the job never started. */
export function classifyRun(
  exit: JobExit | null,
  stopReason: StopReason | null,
  recentLines: readonly string[],
): RunVerdict {
  const exitCode = exit?.exitCode ?? null;
  switch (stopReason) {
    case "cancel":
      return { kind: "fail", failureKind: "canceled", message: "canceled", exitCode };
    case "stop":
    case "preempted":
      return {
        kind: "fail",
        failureKind: "preempted",
        message: "the worker stopped before the job finished",
        exitCode,
      };
    case "timeout":
      return { kind: "fail", failureKind: "timeout", message: "the job ran past its timeout", exitCode };
    case "lease_lost":
      return { kind: "fail", failureKind: "lost", message: "lease lost", exitCode };
    case null:
      break;
  }
  if (exit === null || exitCode === null) {
    return { kind: "fail", failureKind: "system_error", message: "the job did not start", exitCode: null };
  }
  if (exitCode === 0) return { kind: "complete", exitCode };
  if (looksLikeOom(recentLines)) {
    return { kind: "fail", failureKind: "oom", message: `out of memory (exit code ${exitCode})`, exitCode };
  }
  if (exit.signal === "SIGKILL") {
    // Nobody on our side sent it: on a pod that is almost always the kernel's OOM killer.
    return {
      kind: "fail",
      failureKind: "oom",
      message: "killed by SIGKILL (likely the kernel OOM killer)",
      exitCode,
    };
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exitCode}`;
  return { kind: "fail", failureKind: "user_error", message: `the job ${how}`, exitCode };
}
