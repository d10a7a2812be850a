// The Docker executor's leftover sweep, with real processes as container owners and a recording
// stand-in for the docker CLI (no Docker engine on these machines): which containers it removes,
// and that a worker sweeps before anything else at start.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { CommandResult, CommandRunner } from "../gpu/detect-gpus.ts";
import { processStartTime } from "../util/supervisor-watch.ts";
import { listOwnedArgs } from "./docker-command.ts";
import { DockerExecutor, ownerIsGone } from "./docker-executor.ts";

/** `pid:start` of a process that has exited by the time this resolves. */
async function exitedOwner(): Promise<string> {
  const child = spawn("sleep", ["30"]);
  const owner = `${child.pid}:${processStartTime(child.pid as number)}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return owner;
}

function recordingDocker(psOutput: string, rmExit = 0) {
  const calls: string[][] = [];
  const run: CommandRunner = async (_file, args): Promise<CommandResult> => {
    calls.push(args);
    if (args[0] === "ps") return { exitCode: 0, stdout: psOutput, stderr: "" };
    return { exitCode: rmExit, stdout: "", stderr: rmExit === 0 ? "" : "permission denied" };
  };
  return { calls, run };
}

describe("the Docker executor's leftover containers", () => {
  it("removes the containers of exited workers and of reused pids, and keeps live workers' ones", async () => {
    const executor = new DockerExecutor({ network: null, extraArgs: [] });
    const dead = await exitedOwner();
    const reused = `${process.pid}:1`; // our pid, another start time: the pid was reused
    const docker = recordingDocker(
      [`aaa111\t${dead}`, `bbb222\t${executor.owner}`, `ccc333\t${reused}`, "ddd444\tnot-an-owner", ""].join(
        "\n",
      ),
    );
    const withDocker = new DockerExecutor({ network: null, extraArgs: [], runCommand: docker.run });
    expect(await withDocker.reclaimLeftovers()).toEqual(["aaa111", "ccc333"]);
    expect(docker.calls).toEqual([listOwnedArgs(), ["rm", "--force", "aaa111", "ccc333"]]);
  });

  it("asks nothing more of docker when no container is left over", async () => {
    const docker = recordingDocker("");
    const executor = new DockerExecutor({ network: null, extraArgs: [], runCommand: docker.run });
    expect(await executor.reclaimLeftovers()).toEqual([]);
    expect(docker.calls).toHaveLength(1);
  });

  it("says why when docker refuses to remove them", async () => {
    const docker = recordingDocker(`aaa111\t${await exitedOwner()}`, 1);
    const executor = new DockerExecutor({ network: null, extraArgs: [], runCommand: docker.run });
    await expect(executor.reclaimLeftovers()).rejects.toThrow("docker rm failed: permission denied");
  });

  it("judges owners by pid and start time", async () => {
    expect(ownerIsGone(`${process.pid}:${processStartTime(process.pid)}`)).toBe(false);
    expect(ownerIsGone(await exitedOwner())).toBe(true);
    expect(ownerIsGone(`${process.pid}:1`)).toBe(true);
    expect(ownerIsGone("garbage")).toBe(false);
  });
});
