// Ctrl-C while `ow exec --wait` waits on the job it submitted: the job keeps its place in the
// queue (on RunPod it would later rent a GPU), so the CLI says how to cancel it before exiting 130.
// A real process and a real SIGINT: the handler lives in the binary's entry.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobBody } from "./support/fake-fetch.ts";
import { type HttpDouble, startHttpDouble } from "./support/http-double.ts";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const cliMain = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const JOB = "exec-0123456789ab";

let api: HttpDouble;
beforeAll(async () => {
  api = await startHttpDouble({
    "POST /api/files/uploads": () => ({
      json: { file_id: "custom_job_file:file-0123456789ab", upload_url: null, expires_at: null },
    }),
    "POST /api/jobs": () => ({ status: 201, json: { ...jobBody({ id: JOB, type: "exec" }), created: true } }),
    [`GET /api/jobs/${JOB}`]: () => ({
      json: jobBody({
        id: JOB,
        status: "pending",
        waiting_reason: "waiting: the organization is at its maximum number of workers",
      }),
    }),
  });
});
afterAll(async () => api?.close());

describe("Ctrl-C during ow exec --wait", () => {
  it("says how to cancel the submitted job and exits 130", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ow-interrupt-"));
    writeFileSync(join(dir, "main.py"), "print(1)\n");
    const child = spawn(
      process.execPath,
      ["--import", tsxLoader, cliMain, "exec", "--vram", "0", "--wait", "python3 main.py"],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NO_COLOR: "1",
          TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
          OPENWEIGHTS_API_URL: api.url,
          OPENWEIGHTS_API_KEY: "test-jwt",
          OPENWEIGHTS_CONFIG_DIR: dir,
        },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!stderr.includes("at its maximum number of workers") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toContain(`job ${JOB} (pending)`);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toContain(`cancel it with: ow cancel ${JOB}`);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
