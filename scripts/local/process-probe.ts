// Test helpers for real-subprocess tests: is a pid still a live process, and bounded polling.
import { readFileSync } from "node:fs";

/** True while `pid` is a live process. A zombie (exited, not yet reaped) counts as gone. */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // Format: "pid (comm) S ..."; comm may contain spaces or parens, so read after the last ")".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** Polls `check` every 20 ms until it returns a value other than undefined/false, or gives up. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A worker script for `node -e`: starts a grandchild in its own group and records both pids. */
export const WORKER_WITH_GRANDCHILD = `
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
fs.writeFileSync(process.env.PID_FILE, JSON.stringify({ worker: process.pid, grandchild: child.pid }));
setInterval(() => {}, 1000);
`;

export function readPids(file: string): { worker: number; grandchild: number } | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { worker: number; grandchild: number };
  } catch {
    return undefined;
  }
}
