// On a pod the worker runs as root and each job as the unprivileged job user, with HF_HOME on the
// volume (/workspace/hf): a directory root made, or none yet. A real worker and a real job that
// fills the Hugging Face cache there, as every model download does; before, the job failed with
// EACCES and the cache stayed root's.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { client, startTestStack, type TestStack } from "../support/stack.ts";
import { type CliWorker, startCliWorker } from "./cli-worker.ts";

const IMAGE = "ow/caches-test:1";
let stack: TestStack;
let volume: string;
let worker: CliWorker | undefined;

beforeAll(async () => {
  stack = await startTestStack();
  volume = mkdtempSync(join(tmpdir(), "ow-volume-"));
  spawnSync("chmod", ["755", volume]); // root's and world-passable, like a pod's /workspace
}, 120_000);
afterAll(async () => {
  await worker?.stop(2_000);
  await stack?.stop();
  rmSync(volume, { recursive: true, force: true });
});

it("a job running as the job user writes into the HF cache the worker's environment names", async () => {
  const hfHome = join(volume, "hf");
  const [row] = await stack.db.sql<{ token: string }[]>`
    select token from internal.mint_worker_token(${stack.orgId}, 'caches')`;
  worker = startCliWorker({
    apiUrl: stack.url,
    token: row!.token,
    image: IMAGE,
    workDir: join(volume, "runs"),
    env: { HF_HOME: hfHome },
  });
  const script = `const fs = require("fs"), p = require("path");
const dir = p.join(process.env.HF_HOME, "hub", "models--org--tiny", "snapshots", "abc");
fs.mkdirSync(dir, { recursive: true }); fs.writeFileSync(p.join(dir, "config.json"), "{}");
console.log("uid", process.getuid());`;
  const api = client(stack.url, stack.adminToken);
  const job = await api("POST", "/api/jobs", {
    type: "custom",
    image: IMAGE,
    entrypoint: [process.execPath, "-e", script],
    params: { nonce: crypto.randomUUID() },
    requires_vram_gb: 0,
    max_attempts: 1,
  });
  expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);
  const deadline = Date.now() + 60_000;
  let status = "pending";
  while (!["completed", "failed", "canceled"].includes(status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    status = String((await api("GET", `/api/jobs/${job.body.id}`)).body.status);
  }
  expect(status, worker.output().slice(-3000)).toBe("completed");
  const written = join(hfHome, "hub", "models--org--tiny", "snapshots", "abc", "config.json");
  expect(existsSync(written)).toBe(true);
  expect(statSync(written).uid).not.toBe(0);
  expect(worker.output()).toContain("shared caches handed to the job user");
}, 120_000);
