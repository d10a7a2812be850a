import { describe, expect, it } from "vitest";
import { containerName, dockerRunArgs, envFileContent, withPassThroughEnv } from "./docker-command.ts";

const spec = {
  containerName: "ow-run-abc",
  owner: "4242:987654",
  image: "ghcr.io/org/ow-unsloth:1.0",
  argv: ["python", "train.py", "--config", "params.json"],
  workdir: "/var/ow/run-abc",
  envFile: "/tmp/ow-env-1/job.env",
  gpuCount: 2,
  network: "host",
  extraArgs: [],
};

describe("docker run command", () => {
  it("mounts the run directory at /job, passes GPUs and the env file, then the image and argv", () => {
    expect(dockerRunArgs(spec)).toEqual([
      "run",
      "--rm",
      "--name",
      "ow-run-abc",
      "--label",
      "openweights.worker=4242:987654",
      "--init",
      "--gpus",
      "all",
      "--ipc",
      "host",
      "--network",
      "host",
      "-v",
      "/var/ow/run-abc:/job",
      "-w",
      "/job",
      "--env-file",
      "/tmp/ow-env-1/job.env",
      "ghcr.io/org/ow-unsloth:1.0",
      "python",
      "train.py",
      "--config",
      "params.json",
    ]);
  });

  it("asks for no GPUs for a CPU job and keeps docker's default network when told to", () => {
    const args = dockerRunArgs({ ...spec, gpuCount: 0, network: null, extraArgs: ["--shm-size", "8g"] });
    expect(args).not.toContain("--gpus");
    expect(args).not.toContain("--network");
    expect(args.slice(args.indexOf("--shm-size"), args.indexOf("--shm-size") + 3)).toEqual([
      "--shm-size",
      "8g",
      "ghcr.io/org/ow-unsloth:1.0",
    ]);
  });

  it("keeps the entrypoint as separate arguments, never a shell string", () => {
    const args = dockerRunArgs({ ...spec, argv: ["echo", "$(rm -rf /)", "a b"] });
    expect(args.slice(-3)).toEqual(["echo", "$(rm -rf /)", "a b"]);
  });

  it("writes an env file and passes multi-line values by name instead", () => {
    const { content, multiline } = envFileContent({ A: "1", KEY: "-----BEGIN\nabc\n-----END", B: "x=y" });
    expect(content).toBe("A=1\nB=x=y\n");
    expect(multiline).toEqual(["KEY"]);
    expect(withPassThroughEnv(["run", "--env-file", "f", "img"], multiline)).toEqual([
      "run",
      "-e",
      "KEY",
      "--env-file",
      "f",
      "img",
    ]);
  });

  it("names the container after the run", () => {
    expect(containerName("0b5f2c1e-aaaa-4bbb-8ccc-123456789abc")).toBe(
      "ow-run-0b5f2c1e-aaaa-4bbb-8ccc-123456789abc",
    );
  });
});
