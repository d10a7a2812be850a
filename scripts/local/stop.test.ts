// `npm stop` ends the instance the lock names with SIGTERM and waits for it; with nothing running
// it says so. A stand-in process holds the lock (a whole stack takes a minute to start here; the
// stack's own SIGTERM handling is what tests/e2e's Ctrl-C test covers).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const stopScript = fileURLToPath(new URL("./stop.ts", import.meta.url));

/** Asynchronously, so this process reaps the stand-in when it exits (a zombie still answers kill 0). */
function runStop(dir: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, stopScript], {
      env: { ...process.env, OW_STATE_DIR: dir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.on("exit", (status) => resolve({ status, stdout }));
  });
}

describe("npm stop", () => {
  it("stops the running stack with SIGTERM, then reports that nothing runs", {
    timeout: 90_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ow-stop-"));
    const stand = spawn(
      process.execPath,
      [
        "-e",
        `process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(0); }); setInterval(() => {}, 1000); console.log("ready");`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    stand.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => stand.on("exit", (code) => r(code)));
    try {
      while (!out.includes("ready")) await new Promise((r) => setTimeout(r, 50));
      writeFileSync(
        join(dir, "stack.lock.json"),
        JSON.stringify({
          pid: stand.pid,
          url: "http://127.0.0.1:1/functions/v1",
          dashboardUrl: null,
          startedAt: "t",
        }),
      );
      const stop = await runStop(dir);
      expect(stop.status).toBe(0);
      expect(stop.stdout).toContain(`Stopping OpenWeights (pid ${stand.pid}`);
      expect(stop.stdout).toContain("Stopped.");
      expect(await exited).toBe(0);
      expect(out).toContain("got SIGTERM");
      const again = await runStop(dir);
      expect(again).toMatchObject({ status: 0 });
      expect(again.stdout).toContain("not running");
    } finally {
      stand.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
