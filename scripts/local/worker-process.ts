// Starting and stopping one local worker process. Each worker runs in its own process group
// (spawn `detached: true` makes it a group leader), so everything it starts — python, vLLM, a
// shell's children — can be signalled at once with kill(-pgid): killing only the leader would leave
// its grandchildren running with nobody to reap them.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

/** What the agent needs from a started worker; a node ChildProcess satisfies it. */
export interface WorkerProcess {
  readonly pid?: number | undefined;
  once(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
}

export interface WorkerLaunch {
  podId: string;
  name: string;
  workerId: string;
  deploymentId: string;
  image: string;
  /** The pod's env, tags and CUDA_VISIBLE_DEVICES included; the spawner adds a minimal base. */
  env: Record<string, string>;
  gpuIndices: number[];
}

/** Starts a worker. It must start a new process group (detached) so terminate reaches all of it. */
export type WorkerSpawner = (launch: WorkerLaunch) => WorkerProcess;

export interface CommandSpawnerOptions {
  /** argv, e.g. ["node", "worker/dist/main.js"]. The pod's image is ignored: no containers locally. */
  command: readonly string[];
  cwd?: string;
  /** The env every worker starts from; defaults to a few harmless variables of this process. */
  baseEnv?: Record<string, string>;
  /** Worker stdout/stderr: inherited, dropped, or appended to `<dir>/<podId>.log`. */
  output?: "inherit" | "ignore" | { dir: string };
}

// Only what a process needs to run; never the agent's own secrets or database URLs.
const BASE_ENV_NAMES = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "SHELL"];

export function minimalBaseEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of BASE_ENV_NAMES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function createCommandSpawner(options: CommandSpawnerOptions): WorkerSpawner {
  const [program, ...args] = options.command;
  if (program === undefined) throw new Error("command must name a program");
  const baseEnv = options.baseEnv ?? minimalBaseEnv();
  return (launch): ChildProcess => {
    const output = options.output ?? "inherit";
    let logFd: number | undefined;
    if (typeof output !== "string") {
      mkdirSync(output.dir, { recursive: true });
      logFd = openSync(join(output.dir, `${launch.podId}.log`), "a");
    }
    try {
      return spawn(program, args, {
        cwd: options.cwd,
        // The worker shuts down when this process (the agent) is gone, even if it was SIGKILLed.
        env: { ...baseEnv, ...launch.env, OW_SUPERVISOR_PID: String(process.pid) },
        stdio: logFd === undefined ? (output as "inherit" | "ignore") : ["ignore", logFd, logFd],
        detached: true,
      });
    } finally {
      // The child holds its own copy of the descriptor.
      if (logFd !== undefined) closeSync(logFd);
    }
  };
}

/**
 * Signals a worker's whole process group; false when nothing was left to signal. Only call it while
 * the leader runs or right at its exit (before its pid can be reused).
 */
export function signalGroup(pid: number, signal: NodeJS.Signals, leaderRunning: boolean): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
  if (!leaderRunning) return false;
  // A custom spawner that did not detach: the pid is not a group id, so reach the process itself.
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
