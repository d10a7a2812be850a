import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processStartTime, watchSupervisor } from "./supervisor-watch.ts";

function gonePromise(pid: number, intervalMs = 20) {
  let stop = () => {};
  const gone = new Promise<void>((resolve) => {
    stop = watchSupervisor(pid, resolve, intervalMs);
  });
  return { gone, stop: () => stop() };
}

describe("watchSupervisor", () => {
  it("reports a supervisor that was SIGKILLed, and not before", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    const watch = gonePromise(child.pid as number);
    let reported = false;
    void watch.gone.then(() => {
      reported = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reported).toBe(false);
    child.kill("SIGKILL");
    await watch.gone;
    expect(reported).toBe(true);
  });

  it("reports at once a pid with no process", async () => {
    await gonePromise(2 ** 22 + 3).gone;
  });

  it("reads a live process's start time, and null for a pid with no process", () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(2 ** 22 + 3)).toBeNull();
  });
});
