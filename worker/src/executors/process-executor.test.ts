import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { LaunchError } from "./executor.ts";
import { ProcessExecutor } from "./process-executor.ts";

const workdir = mkdtempSync(join(tmpdir(), "ow-exec-"));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

const launch = (script: string, env: Record<string, string> = {}) => ({
  runId: "run-1",
  image: "local",
  argv: [process.execPath, "-e", script],
  workdir,
  env: { PATH: process.env.PATH ?? "", ...env },
  gpuCount: 0,
});

/** Resolves with the first stdout line matching `pattern`. */
function lineMatching(stream: Readable, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n").find((l) => pattern.test(l));
      if (line) resolve(line);
    });
    stream.on("end", () => reject(new Error(`no line matching ${pattern} in ${JSON.stringify(text)}`)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitDead(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

const SPAWN_GRANDCHILD = `
const { spawn } = require("child_process");
const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
console.log("grandchild " + child.pid);
`;

describe("process executor (real subprocesses)", () => {
  const executor = new ProcessExecutor({ sweepGraceMs: 500 });

  it("reports the job's own exit code", async () => {
    const job = await executor.start(launch("process.exit(7)"));
    job.stdout.resume();
    job.stderr.resume();
    expect(await job.exited).toEqual({ exitCode: 7, signal: null });
  });

  it("kills the whole process group, grandchildren included, within 5 seconds", async () => {
    const job = await executor.start(launch(`${SPAWN_GRANDCHILD} setInterval(() => {}, 1000);`));
    job.stderr.resume();
    const grandchild = Number((await lineMatching(job.stdout, /^grandchild \d+/)).split(" ")[1]);
    expect(isAlive(grandchild)).toBe(true);
    const started = Date.now();
    await job.kill(1_000);
    const exit = await job.exited;
    expect(exit.signal).toBe("SIGTERM");
    expect(exit.exitCode).toBe(143);
    expect(await waitDead(grandchild, 5_000 - (Date.now() - started))).toBe(true);
  });

  it("SIGKILLs a job that ignores SIGTERM once the grace period is over", async () => {
    const script = `process.on("SIGTERM", () => console.log("ignoring")); console.log("ready"); setInterval(() => {}, 1000);`;
    const job = await executor.start(launch(script));
    job.stderr.resume();
    await lineMatching(job.stdout, /^ready/);
    await job.kill(300);
    expect(await job.exited).toEqual({ exitCode: 137, signal: "SIGKILL" });
  });

  it("sweeps up processes the job left behind when it exits on its own", async () => {
    const job = await executor.start(launch(`${SPAWN_GRANDCHILD} setTimeout(() => process.exit(0), 100);`));
    job.stderr.resume();
    const grandchild = Number((await lineMatching(job.stdout, /^grandchild \d+/)).split(" ")[1]);
    expect(await job.exited).toEqual({ exitCode: 0, signal: null });
    expect(await waitDead(grandchild, 5_000)).toBe(true);
  });

  it("gives the job exactly the environment and working directory it was launched with", async () => {
    const job = await executor.start(
      launch("console.log(JSON.stringify([process.cwd(), Object.keys(process.env).sort()]))", {
        ONLY_THIS: "1",
      }),
    );
    job.stderr.resume();
    const line = await lineMatching(job.stdout, /^\[/);
    await job.exited;
    const [cwd, keys] = JSON.parse(line) as [string, string[]];
    expect(cwd).toBe(workdir);
    expect(keys.filter((k) => k !== "PATH")).toEqual(["ONLY_THIS"]);
  });

  it("refuses to start a program that does not exist", async () => {
    await expect(executor.start({ ...launch(""), argv: ["/no/such/program"] })).rejects.toBeInstanceOf(
      LaunchError,
    );
  });
});
