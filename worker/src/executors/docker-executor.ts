import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandRunner } from "../gpu/detect-gpus.ts";
import { runCommand } from "../gpu/detect-gpus.ts";
import {
  CONTAINER_ROOT,
  containerName,
  dockerRunArgs,
  envFileContent,
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
}
