// A job must not outlive its worker. On a pod that holds by itself: the container goes when its main
// process (the worker) dies, and takes every process in it along. The process executor has no such
// teardown: it starts each job in a session of its own (so a cancel reaches the job's whole group),
// which also puts the job out of reach of whoever kills the worker's process group (the local pod
// agent, a supervisor, the OOM killer taking the worker alone). A SIGKILLed worker then leaves its
// job orphaned: the main process usually dies at its next write to the closed log pipe, but silent
// ones (a trainer between log lines, dataloader workers, a vLLM engine) keep running and keep their
// GPU memory while another worker re-runs the job. The guard closes that gap: a tiny shell in a
// session of its own, a child of the worker, that SIGKILLs the job's process group as soon as it is
// re-parented (its parent, the worker, died) — like prctl(PR_SET_PDEATHSIG), for a whole group.
import { type ChildProcess, spawn } from "node:child_process";

/** Seconds between checks; a crashed worker's job is killed at most this long after it. */
const CHECK_SECONDS = 1;

// $1 = the worker's pid (our parent), $2 = the job's process group. Only builtins run in the loop
// except `sleep`; /proc/$$/stat's 4th field is our parent pid (without /proc: is the worker alive?).
// Ends by itself once the job's group is gone; the executor also kills it when the job is over.
const GUARD_SCRIPT = `
W=$1; G=$2
parent_alive() {
  if [ -r /proc/$$/stat ]; then read -r _ _ _ p _ < /proc/$$/stat; [ "$p" = "$W" ]; else kill -s 0 "$W" 2>/dev/null; fi
}
while parent_alive; do
  kill -s 0 -- "-$G" 2>/dev/null || exit 0
  sleep ${CHECK_SECONDS}
done
kill -s KILL -- "-$G" 2>/dev/null
exit 0
`;

export interface OrphanGuard {
  /** The job is over (its group is gone): stop guarding. */
  stop(): void;
}

/** Starts guarding process group `jobPgid` against the death of this process. Never throws. */
export function guardAgainstOrphaning(jobPgid: number, shell = "/bin/sh"): OrphanGuard {
  let guard: ChildProcess;
  try {
    guard = spawn(shell, ["-c", GUARD_SCRIPT, "ow-orphan-guard", String(process.pid), String(jobPgid)], {
      detached: true, // its own session: a kill of the worker's group must not take the guard along
      stdio: "ignore",
    });
  } catch {
    return { stop: () => undefined };
  }
  guard.on("error", () => undefined); // no shell: the job is unguarded, as before
  guard.unref(); // never keeps the worker alive
  return {
    stop() {
      if (guard.pid === undefined || guard.exitCode !== null || guard.signalCode !== null) return;
      try {
        process.kill(-guard.pid, "SIGKILL"); // the shell and its `sleep`
      } catch {
        // already gone
      }
    },
  };
}
