// The pod start command (pod-boot.ts) run by a real POSIX sh (dash) with a PATH holding only the
// tools an image might have: it must fetch the worker with whichever of curl, wget or python3
// exists, check its sha256, exec it, and say clearly — on stdout and to the worker-api — when it
// cannot.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOT_SCRIPT } from "../../supabase/functions/_shared/providers/pod-boot.ts";

// A stand-in worker: proves the boot script exec'd the downloaded file with the pod's env.
const WORKER = '#!/bin/sh\necho "worker-ran as $OW_WORKER_ID"\n';
const WORKER_SHA = createHash("sha256").update(WORKER).digest("hex");
const BASE_TOOLS = ["mkdir", "cut", "chmod", "mv", "sleep", "cat"];
const realPython = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();

let server: Server;
let base: string;
let root: string;
const posted: string[] = [];
let downloads = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ow-boot-"));
  server = createServer((req, res) => {
    if (req.url === "/ow-worker") {
      downloads += 1;
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(WORKER);
      return;
    }
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const ok =
        req.url === "/functions/v1/worker-api/worker-logs" &&
        req.headers.authorization === "Bearer ow_worker_token" &&
        req.headers["content-type"] === "text/plain";
      if (ok) posted.push(body);
      res.writeHead(ok ? 200 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** A PATH directory with only these tools (each a symlink to this machine's binary). */
function toolbox(name: string, tools: string[], extra: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const target =
      tool === "python3"
        ? realPython
        : execFileSync("sh", ["-c", `command -v ${tool}`])
            .toString()
            .trim();
    symlinkSync(target, join(dir, tool));
  }
  for (const [file, content] of Object.entries(extra))
    writeFileSync(join(dir, file), content, { mode: 0o755 });
  return dir;
}

interface Boot {
  out: string;
  exited: number | null;
}

/** Runs the script until it exits, or until `until` holds for its output (then kills its sleep loop). */
function boot(
  path: string,
  env: Record<string, string> = {},
  until?: (out: string) => boolean,
): Promise<Boot> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn("/bin/sh", ["-c", BOOT_SCRIPT], {
      env: {
        PATH: path,
        OW_WORKER_URL: `${base}/ow-worker`,
        OW_WORKER_SHA256: WORKER_SHA,
        OW_WORKER_DIR: join(path, "..", `${path.split("/").at(-1)}-dl`),
        OW_WORKER_ID: "w-boot",
        OW_WORKER_IMAGE: "example/image:1",
        OPENWEIGHTS_API_URL: `${base}/functions/v1`,
        OPENWEIGHTS_WORKER_TOKEN: "ow_worker_token",
        ...env,
      },
      detached: true,
    });
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    // The give-up path sleeps forever by design; stop it once the expected output is there.
    const poll = setInterval(() => {
      if (until?.(out)) process.kill(-(child.pid ?? 0), "SIGKILL");
    }, 50);
    child.on("exit", () => clearInterval(poll));
    child.on("exit", (code) => resolve({ out, exited: code }));
  });
}

describe("pod boot script", () => {
  it.each([
    ["curl", ["curl", "sha256sum"]],
    ["wget", ["wget", "sha256sum"]],
    ["python3", ["python3"]],
  ])("downloads the worker with %s, checks its sha256 and execs it", async (fetcher, tools) => {
    posted.length = 0;
    const before = downloads;
    const result = await boot(toolbox(`only-${fetcher}`, [...BASE_TOOLS, ...tools]));
    expect(result.out).toContain(`ow-boot: worker downloaded with ${fetcher} and verified; starting it`);
    expect(result.out).toContain("worker-ran as w-boot");
    expect(result.exited).toBe(0);
    expect(downloads).toBe(before + 1);
    expect(posted).toEqual([
      `ow-boot: downloading the worker from ${base}/ow-worker`,
      `ow-boot: worker downloaded with ${fetcher} and verified; starting it`,
    ]);
  });

  it("says clearly that an image without curl, wget or python3 cannot fetch the worker", async () => {
    const result = await boot(toolbox("no-fetcher", [...BASE_TOOLS, "sha256sum"]), {}, (out) =>
      /ow-boot: image .* has no curl/.test(out),
    );
    expect(result.out).toContain(
      "ow-boot: image example/image:1 has no curl, wget or python3 to download the worker: add one of them, or use an image with ow-worker",
    );
    expect(result.out).not.toContain("worker-ran");
  });

  it("refuses to start a download whose sha256 does not match, and reports it", async () => {
    posted.length = 0;
    const result = await boot(
      toolbox("bad-sha", [...BASE_TOOLS, "curl", "sha256sum"]),
      { OW_WORKER_SHA256: "0".repeat(64) },
      () => posted.some((line) => line.includes("not starting it")),
    );
    expect(result.out).toContain(
      `the downloaded worker's sha256 is ${WORKER_SHA}, expected ${"0".repeat(64)}`,
    );
    expect(result.out).not.toContain("worker-ran");
    expect(posted.at(-1)).toContain("not starting it");
  });

  it("runs the image's own ow-worker without downloading anything", async () => {
    const before = downloads;
    const result = await boot(
      toolbox("has-worker", [...BASE_TOOLS, "curl"], { "ow-worker": '#!/bin/sh\necho "image worker ran"\n' }),
    );
    expect(result.out).toContain("image worker ran");
    expect(result.out).toMatch(/ow-boot: image has ow-worker at .*\/has-worker\/ow-worker; starting it/);
    expect(downloads).toBe(before);
  });
});
