import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
const fixture = join(root, "worker", "test", "fixtures", "orphan-guard-worker.ts");
const started: number[] = [];

afterAll(() => {
  for (const pgid of started) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** Live and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !["Z", "X"].includes(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Starts the stand-in worker in its own group; resolves with its job's pid (= the job's group). */
async function startWorker(mode: "guarded" | "unguarded"): Promise<{ pgid: number; job: number }> {
  const child = spawn(tsx, [fixture, mode], { detached: true, stdio: ["ignore", "pipe", "inherit"] });
  const pgid = child.pid as number;
  started.push(pgid);
  const job = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { job: number }).job);
    });
    child.once("exit", (code) => reject(new Error(`the stand-in worker exited with ${code}: ${text}`)));
  });
  started.push(job);
  return { pgid, job };
}

describe("orphan guard", () => {
  it("kills the job's process group within a few seconds of the worker being SIGKILLed", async () => {
    const { pgid, job } = await startWorker("guarded");
    expect(running(job)).toBe(true);
    process.kill(-pgid, "SIGKILL");
    expect(await until(() => !running(job), 5_000)).toBe(true);
  });

  it("leaves the job alone once stopped (the worker saw the job end), so only the guard kills", async () => {
    const { pgid, job } = await startWorker("unguarded");
    process.kill(-pgid, "SIGKILL");
    expect(await until(() => !running(job), 2_500)).toBe(false);
    process.kill(-job, "SIGKILL");
  });
});
