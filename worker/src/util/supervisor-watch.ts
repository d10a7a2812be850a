// A worker started by a supervisor (the local pod agent) must not outlive it: the agent is what
// stops workers, so a worker whose agent was SIGKILLed would run and hold its GPUs with nobody to
// stop it (seen: issue 11). Linux's PR_SET_PDEATHSIG is out of Node's reach, and the agent is not
// our direct parent (the worker runs under a launcher such as tsx), so the worker watches the
// agent's pid. A pid can be reused once its process is gone; /proc/<pid>/stat's start time (field
// 22, clock ticks since boot) tells the original process from a newcomer with the same pid.
import { existsSync, readFileSync } from "node:fs";

/** The process's start time from /proc, or undefined where /proc is unavailable (not Linux); null once gone. */
export function processStartTime(pid: number): string | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No such entry while /proc itself is there: the process is gone.
    return (code === "ENOENT" || code === "ESRCH") && existsSync("/proc/self/stat") ? null : undefined;
  }
  // Fields after the command name (which may hold spaces and parentheses): state is field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return null; // exited, not yet reaped
  return fields[19] ?? undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Calls `onGone` once when the process `pid` has exited (checked every `intervalMs`); at once if it
 * is already gone. Returns a function that stops watching. The timer does not keep Node alive.
 */
export function watchSupervisor(pid: number, onGone: () => void, intervalMs = 1_000): () => void {
  const startedAt = processStartTime(pid);
  const gone = () => {
    if (startedAt === undefined) return !alive(pid);
    return processStartTime(pid) !== startedAt;
  };
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (gone()) {
      clearInterval(timer);
      onGone();
    }
  };
  if (startedAt === null) {
    queueMicrotask(onGone);
    return () => {};
  }
  timer = setInterval(check, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
