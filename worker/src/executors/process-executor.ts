import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import type { JobExit } from "./executor.ts";
import { type Executor, type JobLaunch, LaunchError, type RunningJob } from "./executor.ts";
import { handOver, type JobUser } from "./job-user.ts";
import { guardAgainstOrphaning } from "./orphan-guard.ts";

export interface ProcessExecutorOptions {
  /** After the main process exits, leftover processes in its group get this long after SIGTERM. */
  sweepGraceMs?: number;
  /** Kill the job's group if this worker dies without doing so (default true; see orphan-guard.ts). */
  orphanGuard?: boolean;
  /** Run jobs as this user (see job-user.ts); null: as the worker's own user. */
  jobUser?: JobUser | null;
}

/**
 * Runs the job as a child process in its own process group (`detached: true` makes it a group
 * leader), so a kill reaches everything it started — a trainer's dataloader workers, a vLLM
 * server's engine processes. A process that leaves the group (setsid) escapes; a container or
 * cgroup is the only complete answer, which is what the docker executor gives. Its own session
 * also takes the job out of reach of a kill of the worker's group, so a guard process kills the
 * job's group should the worker die without doing it (orphan-guard.ts).
 */
export class ProcessExecutor implements Executor {
  readonly name = "process";
  readonly #sweepGraceMs: number;
  readonly #orphanGuard: boolean;
  readonly #jobUser: JobUser | null;
  /** Directories above run directories already made passable for the job's user. */
  readonly #reachable = new Set<string>();

  constructor(options: ProcessExecutorOptions = {}) {
    this.#sweepGraceMs = options.sweepGraceMs ?? 5_000;
    this.#orphanGuard = options.orphanGuard ?? true;
    this.#jobUser = options.jobUser ?? null;
  }

  /** The user jobs run as; null when they run as the worker's own. */
  get jobUser(): JobUser | null {
    return this.#jobUser;
  }

  jobRoot(workdir: string): string {
    return workdir;
  }

  async start(launch: JobLaunch): Promise<RunningJob> {
    const [file, ...args] = launch.argv;
    if (file === undefined) throw new LaunchError("the job has an empty entrypoint");
    const user = this.#jobUser;
    if (user) {
      await handOver(launch.workdir, user, this.#reachable);
      // The job writes its checkpoints there (a retried attempt resumes from them).
      if (launch.stateDir) await handOver(launch.stateDir, user, this.#reachable);
    }
    const child = spawn(file, args, {
      cwd: launch.workdir,
      // The worker's HOME is not the job user's to write: the run directory is its home.
      env: user ? { ...launch.env, HOME: launch.workdir, USER: user.name, LOGNAME: user.name } : launch.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(new LaunchError(`cannot start ${file}: ${error.message}`)));
    });
    const guard = this.#orphanGuard ? guardAgainstOrphaning(child.pid as number) : null;
    const running = startedProcess(child, this.#sweepGraceMs);
    void running.exited.finally(() => guard?.stop());
    return running;
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

/**
 * Is any process of the group still running? Zombies do not count: where PID 1 does not reap
 * orphans (a container without an init), a dead grandchild stays a zombie and would make every
 * kill wait out its full grace period.
 */
function groupAlive(pid: number): boolean {
  if (!signalGroup(pid, 0 as unknown as NodeJS.Signals)) return false;
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pid && state !== "Z") return true;
    } catch {
      // the process went away while we looked
    }
  }
  return false;
}

async function waitForGroupExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !groupAlive(pid);
}

/** SIGTERM the group, then SIGKILL whatever is still there after `graceMs`. */
export async function terminateGroup(pid: number, graceMs: number): Promise<void> {
  if (graceMs > 0 && signalGroup(pid, "SIGTERM") && (await waitForGroupExit(pid, graceMs))) return;
  signalGroup(pid, "SIGKILL");
  await waitForGroupExit(pid, 2_000);
}

function startedProcess(child: ChildProcess, sweepGraceMs: number): RunningJob {
  const pid = child.pid as number;
  let killing: Promise<void> | null = null;
  const mainExit = new Promise<JobExit>((resolve) => {
    child.once("exit", (code, signal) => {
      const signo = signal ? (constants.signals[signal] ?? 0) : 0;
      resolve({ exitCode: code ?? 128 + signo, signal });
    });
  });
  // The main process is gone: sweep up whatever it left running in its group (a stray server
  // would hold GPU memory and the stdout pipe).
  const exited = mainExit.then(async (exit) => {
    await (killing ?? terminateGroup(pid, sweepGraceMs));
    return exit;
  });
  return {
    stdout: child.stdout as NonNullable<ChildProcess["stdout"]>,
    stderr: child.stderr as NonNullable<ChildProcess["stderr"]>,
    exited,
    kill(graceMs) {
      killing ??= terminateGroup(pid, graceMs);
      return killing;
    },
  };
}
