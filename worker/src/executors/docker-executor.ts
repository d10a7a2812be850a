import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandRunner } from "../gpu/detect-gpus.ts";
import { runCommand } from "../gpu/detect-gpus.ts";
import { processStartTime } from "../util/supervisor-watch.ts";
import {
  CONTAINER_ROOT,
  containerName,
  dockerRunArgs,
  envFileContent,
  leftoverContainers,
  listOwnedArgs,
  withPassThroughEnv,
} from "./docker-command.ts";
import type { Executor, JobLaunch, RunningJob } from "./executor.ts";
import { ProcessExecutor } from "./process-executor.ts";

export interface DockerExecutorOptions {
  network: string | null;
  extraArgs: readonly string[];
  dockerBinary?: string;
  runCommand?: CommandRunner;
}

/**
 * Runs each job in its own container (for a user's own GPU box, where the job's image differs
 * from the worker's environment). The env file holds secrets: it lives outside the run
 * directory, readable by the worker's user only, and is deleted when the job ends.
 */
export class DockerExecutor implements Executor {
  readonly name = "docker";
  readonly #o: DockerExecutorOptions;
  readonly #cli = new ProcessExecutor({ sweepGraceMs: 1_000 });
  /** OWNER_LABEL's value for this worker process. */
  readonly owner = `${process.pid}:${processStartTime(process.pid) ?? "unknown"}`;

  constructor(options: DockerExecutorOptions) {
    this.#o = options;
  }

  jobRoot(): string {
    return CONTAINER_ROOT;
  }

  async start(launch: JobLaunch): Promise<RunningJob> {
    const docker = this.#o.dockerBinary ?? "docker";
    const run = this.#o.runCommand ?? runCommand;
    const secretsDir = await mkdtemp(join(tmpdir(), "ow-env-"));
    const envFile = join(secretsDir, "job.env");
    const { content, multiline } = envFileContent(launch.env);
    await writeFile(envFile, content, { mode: 0o600 });
    const name = containerName(launch.runId);
    const args = withPassThroughEnv(
      dockerRunArgs({
        containerName: name,
        owner: this.owner,
        image: launch.image,
        argv: launch.argv,
        workdir: launch.workdir,
        envFile,
        gpuCount: launch.gpuCount,
        network: this.#o.network,
        extraArgs: this.#o.extraArgs,
      }),
      multiline,
    );
    // The docker CLI needs PATH/HOME/DOCKER_* to find the engine, plus the multi-line values.
    const cliEnv: Record<string, string> = {};
    for (const key of ["PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CONTEXT"]) {
      const value = process.env[key];
      if (value !== undefined) cliEnv[key] = value;
    }
    for (const key of multiline) cliEnv[key] = launch.env[key] as string;
    const cleanup = () => rm(secretsDir, { recursive: true, force: true });
    let job: RunningJob;
    try {
      job = await this.#cli.start({ ...launch, argv: [docker, ...args], env: cliEnv });
    } catch (error) {
      await cleanup();
      throw error;
    }
    const exited = job.exited.finally(cleanup);
    return {
      stdout: job.stdout,
      stderr: job.stderr,
      exited,
      async kill(graceMs) {
        // Killing the CLI does not stop the container; ask the engine.
        const seconds = String(Math.ceil(graceMs / 1000));
        await run(docker, ["stop", "--time", seconds, name], graceMs + 30_000);
        await job.kill(1_000);
      },
    };
  }

  /**
   * Removes the job containers of workers that are gone. `docker run --rm` in the foreground ties
   * a container to its CLI only while the worker is there to stop it: a SIGKILLed worker's orphan
   * guard ends the CLI, but the container runs on, holding its GPUs. Run at start, before the GPU
   * check (which would see their memory as taken).
   */
  async reclaimLeftovers(): Promise<string[]> {
    const docker = this.#o.dockerBinary ?? "docker";
    const run = this.#o.runCommand ?? runCommand;
    const listed = await run(docker, listOwnedArgs(), 30_000);
    if (listed.exitCode !== 0)
      throw new Error(`docker ps failed: ${listed.stderr.trim() || `exit ${listed.exitCode}`}`);
    const leftovers = leftoverContainers(listed.stdout, ownerIsGone);
    if (leftovers.length === 0) return [];
    const removed = await run(docker, ["rm", "--force", ...leftovers], 60_000);
    if (removed.exitCode !== 0)
      throw new Error(`docker rm failed: ${removed.stderr.trim() || `exit ${removed.exitCode}`}`);
    return leftovers;
  }
}

/** `<pid>:<start time>` names a process that has exited (or whose pid now belongs to another). */
export function ownerIsGone(owner: string): boolean {
  const [pidText, startedAt] = owner.split(":");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false; // not ours to judge: leave it
  const now = processStartTime(pid);
  if (now === undefined) {
    // No /proc (not Linux): only "no such process" is certain.
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  }
  return now === null || (startedAt !== "unknown" && now !== startedAt);
}
