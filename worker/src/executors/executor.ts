import type { Readable } from "node:stream";

/** What to start: the job's argv (never a shell string), where, and with which environment. */
export interface JobLaunch {
  runId: string;
  image: string;
  argv: string[];
  /** The run's working directory on the worker's file system. */
  workdir: string;
  /** The job's state directory kept across its attempts (OPENWEIGHTS_JOB_STATE), when it has one. */
  stateDir?: string | null;
  env: Record<string, string>;
  gpuCount: number;
}

export interface RunningJob {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the job's main process has exited and its leftovers have been swept up. */
  readonly exited: Promise<JobExit>;
  /** SIGTERM to the whole job, SIGKILL after `graceMs` (0: SIGKILL at once). Idempotent. */
  kill(graceMs: number): Promise<void>;
}

/**
 * Where jobs run. A new place to run jobs is a new file implementing these two verbs, not an `if`
 * in the loop (STYLE 15).
 */
export interface Executor {
  readonly name: string;
  /** The run directory as the job sees it (the job's paths in its env are built under it). */
  jobRoot(workdir: string): string;
  /** Rejects with `LaunchError` when the job cannot be started at all (no such program). */
  start(launch: JobLaunch): Promise<RunningJob>;
  /** Ends what a previous worker on this machine left running (its jobs); returns what it ended. */
  reclaimLeftovers?(): Promise<string[]>;
}

export class LaunchError extends Error {
  override readonly name = "LaunchError";
}

/** How the job's process ended (what an executor reports; the run classifies it). */
export interface JobExit {
  /** The process's exit status, or 128 + the signal number when a signal ended it. */
  exitCode: number;
  signal: NodeJS.Signals | null;
}
