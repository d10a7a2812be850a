// Pure construction of the `docker run` command for a job, unit-tested without a Docker engine.

/** Where the run directory appears inside the container. */
export const CONTAINER_ROOT = "/job";

/**
 * Every job container carries the worker that started it as `<pid>:<start time>` (see
 * supervisor-watch.ts for why the start time): a container whose worker is gone is a leftover.
 */
export const OWNER_LABEL = "openweights.worker";

export interface DockerRunSpec {
  containerName: string;
  /** The value of OWNER_LABEL. */
  owner: string;
  image: string;
  argv: string[];
  workdir: string;
  envFile: string;
  gpuCount: number;
  /** `host` lets a job reach an API on the host's loopback (the local stack); null: docker's default. */
  network: string | null;
  extraArgs: readonly string[];
}

export function containerName(runId: string): string {
  return `ow-run-${runId.replace(/[^a-zA-Z0-9_.-]/g, "")}`;
}

export function dockerRunArgs(spec: DockerRunSpec): string[] {
  const args = [
    "run",
    "--rm",
    "--name",
    spec.containerName,
    "--label",
    `${OWNER_LABEL}=${spec.owner}`,
    "--init",
  ];
  if (spec.gpuCount > 0) args.push("--gpus", "all");
  // PyTorch dataloaders share tensors through /dev/shm; docker's 64 MB default breaks them.
  args.push("--ipc", "host");
  if (spec.network !== null) args.push("--network", spec.network);
  args.push("-v", `${spec.workdir}:${CONTAINER_ROOT}`, "-w", CONTAINER_ROOT, "--env-file", spec.envFile);
  args.push(...spec.extraArgs, spec.image, ...spec.argv);
  return args;
}

/**
 * docker's env-file format: one `NAME=value` per line, taken literally (no quotes, no escapes),
 * so a value cannot contain a newline. Those are returned separately and passed as `-e NAME`.
 */
export function envFileContent(env: Record<string, string>): { content: string; multiline: string[] } {
  const lines: string[] = [];
  const multiline: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (/[\r\n]/.test(value)) multiline.push(name);
    else lines.push(`${name}=${value}`);
  }
  return { content: lines.length > 0 ? `${lines.join("\n")}\n` : "", multiline };
}

/** Adds `-e NAME` (value taken from the docker CLI's own env) for values an env-file cannot hold. */
export function withPassThroughEnv(args: string[], names: readonly string[]): string[] {
  if (names.length === 0) return args;
  const at = args.indexOf("--env-file");
  const passes = names.flatMap((n) => ["-e", n]);
  return [...args.slice(0, at), ...passes, ...args.slice(at)];
}

/** `docker ps` arguments listing every job container with its owner, one `ID<TAB>owner` per line. */
export function listOwnedArgs(): string[] {
  return [
    "ps",
    "--all",
    "--filter",
    `label=${OWNER_LABEL}`,
    "--format",
    `{{.ID}}\t{{.Label "${OWNER_LABEL}"}}`,
  ];
}

/** The containers in `docker ps` output (listOwnedArgs) whose owner `isGone` says has exited. */
export function leftoverContainers(psOutput: string, isGone: (owner: string) => boolean): string[] {
  return psOutput
    .split("\n")
    .map((line) => line.trim().split("\t"))
    .filter(([id, owner]) => id && owner !== undefined && isGone(owner))
    .map(([id]) => id as string);
}
