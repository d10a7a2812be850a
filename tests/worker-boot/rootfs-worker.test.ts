// The whole chain a RunPod pod on `python:3.12-slim` goes through, with a chroot into a minimal
// Debian root filesystem standing in for the image (no Node anywhere, no curl, no wget; python3):
// the pod's start command downloads the self-contained worker from the deployment with python3,
// checks its sha256, execs it; the worker registers, claims a job of that image against the real
// local stack, runs it inside the same root, and reports it. The job records the public URL the
// worker gave it (RunPod's proxy URL for the pod) and whether it could see Node or the repo.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureRootfs, rootfsUnavailable } from "../../scripts/rootfs/debian-rootfs.ts";
import { ensureWorkerBinary } from "../../scripts/rootfs/worker-binary.ts";
import { OpenWeights } from "../../sdk/src/index.ts";
import { BOOT_SCRIPT } from "../../supabase/functions/_shared/providers/pod-boot.ts";
import { publicPortUrl, SERVING_PORT } from "../../supabase/functions/_shared/providers/public-url.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

const IMAGE = "python:3.12-slim";
const POD_ID = `pod${randomBytes(5).toString("hex")}`;
const WORKER_ID = `w-rootfs-${randomBytes(3).toString("hex")}`;
const DOWNLOAD_DIR = `/tmp/ow-test-${WORKER_ID}`;

let stack: TestStack;
let rootfs: string;
let binary: { path: string; sha256: string };
let files: Server;
let filesUrl: string;
let pod: ChildProcess | undefined;
let podOutput = "";

beforeAll(async () => {
  const problem = rootfsUnavailable();
  if (problem) throw new Error(`this test needs a chroot: ${problem}`);
  rootfs = ensureRootfs((line) => console.log(line));
  binary = ensureWorkerBinary((line) => console.log(line));
  stack = await startTestStack();
  // The deployment serves the executable; here a plain file server stands in for Storage.
  files = createServer((req, res) => {
    if (req.url !== "/ow-worker-linux-x64") return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": statSync(binary.path).size });
    createReadStream(binary.path).pipe(res);
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  if (pod?.pid && pod.exitCode === null) process.kill(-pod.pid, "SIGKILL");
  await new Promise((resolve) => files?.close(resolve));
  await stack?.stop();
  if (rootfs) rmSync(join(rootfs, DOWNLOAD_DIR), { recursive: true, force: true });
});

/** What the scaler does for a new pod: the worker row (starting) and the worker's own token. */
async function provisionWorker(): Promise<string> {
  await stack.db.sql`insert into public.workers (id, organization_id, status, provider, image)
    values (${WORKER_ID}, ${stack.orgId}, 'starting', 'runpod', ${IMAGE})`;
  const [row] = await stack.db
    .sql`select token from internal.mint_worker_token(${stack.orgId}, ${WORKER_ID})`;
  return String(row?.token);
}

/** The pod: its start command run by the image's /bin/sh inside the root, with the pod's env only. */
function bootPod(token: string): ChildProcess {
  const child = spawn("/usr/sbin/chroot", [rootfs, "/bin/sh", "-c", BOOT_SCRIPT], {
    detached: true,
    env: {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: "/root",
      OW_WORKER_URL: `${filesUrl}/ow-worker-linux-x64`,
      OW_WORKER_SHA256: binary.sha256,
      OW_WORKER_DIR: DOWNLOAD_DIR,
      OPENWEIGHTS_API_URL: stack.url,
      OPENWEIGHTS_WORKER_TOKEN: token,
      OW_WORKER_ID: WORKER_ID,
      OW_WORKER_IMAGE: IMAGE,
      // RunPod sets this in every pod; the worker turns it into the job's public URL.
      RUNPOD_POD_ID: POD_ID,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    podOutput += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    podOutput += d.toString();
  });
  return child;
}

const JOB_SCRIPT = `
import json, os, pathlib, shutil
pathlib.Path("uploads").mkdir(exist_ok=True)
pathlib.Path("uploads/os-release.txt").write_text(open("/etc/os-release").read())
with open(os.environ["OPENWEIGHTS_EVENTS"], "a") as f:
    f.write(json.dumps({"type": "api_ready", "base_url": os.environ["OPENWEIGHTS_PUBLIC_URL"] + "/v1",
        "node_on_path": shutil.which("node") or "none", "repo_visible": os.path.exists(${JSON.stringify(process.cwd())})}) + "\\n")
print("job ran in the pod")
`;

describe("the self-contained worker in a minimal Debian root (python:3.12-slim stand-in)", () => {
  it("is fetched by the start command with python3, registers, and runs a job of that image end to end", async () => {
    const sdk = new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url });
    const submitted = await client(stack.url, stack.adminToken)("POST", "/api/jobs", {
      type: "custom",
      image: IMAGE,
      entrypoint: ["python3", "-c", JOB_SCRIPT],
      params: { test: WORKER_ID },
      requires_vram_gb: 0,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const jobId = String(submitted.body.id);

    pod = bootPod(await provisionWorker());
    const deadline = Date.now() + 240_000;
    let job = await sdk.jobs.retrieve(jobId);
    while (!["completed", "failed", "canceled"].includes(job.status) && Date.now() < deadline) {
      if (pod.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await sdk.jobs.retrieve(jobId);
    }
    expect(job.status, `pod output:\n${podOutput}`).toBe("completed");
    // Outputs merge the run's events (the uploaded file's event came last, so `type` is "file").
    expect(job.outputs).toMatchObject({
      base_url: `${publicPortUrl({ provider: "runpod", podId: POD_ID }, SERVING_PORT)}/v1`,
      node_on_path: "none",
      repo_visible: false,
    });
    expect(podOutput).toContain("ow-boot: worker downloaded with python3 and verified; starting it");

    process.kill(-(pod.pid ?? 0), "SIGTERM");
    await new Promise((resolve) => (pod?.exitCode !== null ? resolve(null) : pod.once("exit", resolve)));
    // The worker ships its own lines every second and once more as it stops; a loaded machine
    // may deliver the last batch a little after the pod has exited.
    let lines: string[] = [];
    for (const until = Date.now() + 30_000; Date.now() < until; ) {
      lines = (await sdk.workers.logs(WORKER_ID)).data.map((l) => `[${l.source}] ${l.line}`);
      if (lines.some((l) => l.includes("run started"))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(lines).toEqual(
      expect.arrayContaining([
        `[boot] ow-boot: downloading the worker from ${filesUrl}/ow-worker-linux-x64`,
        "[boot] ow-boot: worker downloaded with python3 and verified; starting it",
        expect.stringMatching(/^\[worker\] .* INFO {2}worker starting .*image=python:3\.12-slim/),
        expect.stringMatching(/^\[worker\] .* INFO {2}registered worker_id=w-rootfs-/),
        expect.stringMatching(/^\[worker\] .* INFO {2}run started /),
      ]),
    );
  }, 300_000);
});
