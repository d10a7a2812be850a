// bench:worker-binary — what bringing the worker into an image costs. In one run, alternating:
//   sea:  the pod start command (pod-boot.ts, run by /bin/sh) downloads the self-contained worker
//         from a local HTTP server with curl, checks its sha256 and execs it → worker registered;
//   node: `node worker/dist/ow-worker.mjs` (the bundle our own images carry) → worker registered.
// "Registered" is the worker row turning `active` in the database (polled every 20 ms). Also
// prints the executable's size. The download here is loopback; on RunPod add ~100 MB at the
// pod's bandwidth (see README).
//   npm run bench:worker-binary [-- --rounds 5]
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { BOOT_SCRIPT } from "../../supabase/functions/_shared/providers/pod-boot.ts";
import { repoRoot } from "../db/migrate.ts";
import { ensureWorkerBinary } from "../rootfs/worker-binary.ts";
import { startBenchStack } from "./bench-stack.ts";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] ?? "") || 3;
const bundle = join(repoRoot, "worker/dist/ow-worker.mjs");
if (!existsSync(bundle)) {
  console.error("bench:worker-binary: build the bundle first (npm run build -w worker)");
  process.exit(2);
}
const binary = ensureWorkerBinary((line) => console.error(line));
const stack = await startBenchStack("worker-binary");
const sql = postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
const files = createServer((_req, res) => {
  res.writeHead(200, { "content-length": statSync(binary.path).size });
  createReadStream(binary.path).pipe(res);
});
await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
const workerUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/ow-worker`;

async function newWorker(kind: string, round: number): Promise<{ id: string; token: string }> {
  const id = `w-bench-${kind}-${round}`;
  await sql`insert into public.workers (id, organization_id, status, provider, image)
    values (${id}, ${stack.orgId}, 'starting', 'runpod', 'bench:1')`;
  const [row] = await sql`select token from internal.mint_worker_token(${stack.orgId}, ${id})`;
  return { id, token: String(row?.token) };
}

async function untilRegistered(id: string, child: ChildProcess): Promise<void> {
  for (;;) {
    const [row] = await sql`select status from public.workers where id = ${id}`;
    if (row?.status === "active") return;
    if (child.exitCode !== null) throw new Error(`worker ${id} exited ${child.exitCode} before registering`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function timeOne(kind: "sea" | "node", round: number): Promise<number> {
  const { id, token } = await newWorker(kind, round);
  const dir = mkdtempSync(join(tmpdir(), "ow-bench-bin-"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    OPENWEIGHTS_API_URL: stack.url,
    OPENWEIGHTS_WORKER_TOKEN: token,
    OW_WORKER_ID: id,
    OW_WORKER_IMAGE: "bench:1",
    OW_WORK_DIR: dir,
    OW_WORKER_URL: workerUrl,
    OW_WORKER_SHA256: binary.sha256,
    OW_WORKER_DIR: join(dir, "bin"),
  };
  const started = performance.now();
  const child =
    kind === "sea"
      ? spawn("/bin/sh", ["-c", BOOT_SCRIPT], { env, stdio: "ignore", detached: true })
      : spawn(process.execPath, [bundle], { env, stdio: "ignore", detached: true });
  try {
    await untilRegistered(id, child);
    return performance.now() - started;
  } finally {
    process.kill(-(child.pid ?? 0), "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
try {
  const times = { sea: [] as number[], node: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 === 0 ? (["sea", "node"] as const) : (["node", "sea"] as const)) {
      times[kind].push(await timeOne(kind, round));
    }
  }
  const size = statSync(binary.path).size;
  console.log(`worker executable: ${(size / 1e6).toFixed(1)} MB (${size} bytes), sha256 ${binary.sha256}`);
  for (const kind of ["sea", "node"] as const) {
    console.log(
      `${kind.padEnd(4)} start → registered: median ${median(times[kind]).toFixed(0)} ms  (${times[kind].map((t) => t.toFixed(0)).join(", ")} ms)`,
    );
  }
  console.log(
    `ratio sea/node (median): ${(median(times.sea) / median(times.node)).toFixed(2)}x over ${rounds} rounds`,
  );
} finally {
  files.close();
  await sql.end();
  await stack.stop();
}
