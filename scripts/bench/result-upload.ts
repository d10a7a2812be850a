// `npm run bench:results`: how many bytes of a large result file pass through the functions, and
// how long the upload takes, the old way (the body streamed through worker-api into the store) and
// the new way (a signed URL straight to storage, then finalize), in the same run on the same stack.
// The stack: its own cluster, the Deno gateway with OW_FILE_STORE=supabase, and the Storage
// stand-in (scripts/storage) in this process. Every byte the worker sends to the functions goes
// through a counting TCP relay in front of the gateway; signed-URL uploads go to the stand-in
// directly, which counts what it receives. Sizes: BENCH_RESULT_MB (default 256), BENCH_ROUNDS (2).
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, openAsBlob, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { WorkerApiClient } from "../../worker/src/api/worker-api-client.ts";
import { startStorageStandIn } from "../storage/server.ts";
import { startBenchStack } from "./bench-stack.ts";

const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_RESULT_MB ?? 256) * MB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECRET_KEY = `sb_secret_${randomBytes(16).toString("hex")}`;

/** A TCP relay to the gateway that counts the bytes clients send through it. */
async function countingRelay(targetPort: number) {
  let bytesIn = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      bytesIn += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    bytesIn: () => bytesIn,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += 4 * MB) {
    if (!out.write(randomBytes(Math.min(4 * MB, size - written))))
      await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

interface Sample {
  way: "through the function" | "signed URL";
  seconds: number;
  functionBytes: number;
  storageBytes: number;
}

async function main(): Promise<void> {
  const storage = await startStorageStandIn({
    jwtSecret: "unused",
    secretKeys: [SECRET_KEY],
    buckets: ["files"],
  });
  const stack = await startBenchStack("results", {
    OW_FILE_STORE: "supabase",
    SUPABASE_URL: storage.url,
    SUPABASE_SECRET_KEY: SECRET_KEY,
    OW_MAX_UPLOAD_BYTES: String(SIZE * 2),
  });
  const relay = await countingRelay(Number(new URL(stack.url).port));
  const relayed = `http://127.0.0.1:${relay.port}/functions/v1`;
  const dir = mkdtempSync(join(tmpdir(), "ow-bench-results-"));
  const samples: Sample[] = [];
  try {
    const sql = postgres(stack.dbUrl, { max: 1, onnotice: () => {} });
    const [minted] = await sql<{ token: string }[]>`
      select token from internal.mint_worker_token(${stack.orgId}, 'bench-results')`;
    await sql.end();
    const token = minted!.token;
    const worker = new WorkerApiClient({
      workerApiUrl: `${relayed}/worker-api`,
      token,
      uploadTimeoutMs: 600_000,
    });
    await worker.register({ image: "bench/results:1", vram_gb: 80 });
    const submit = await fetch(`${stack.url}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        type: "bench",
        image: "bench/results:1",
        entrypoint: ["true"],
        requires_vram_gb: 0,
      }),
    });
    if (!submit.ok) throw new Error(`submit: ${submit.status} ${await submit.text()}`);
    const claim = await worker.claim(0);
    if (!claim) throw new Error("nothing claimed");
    for (let round = 0; round < ROUNDS; round++) {
      for (const way of ["signed URL", "through the function"] as const) {
        const file = join(dir, `r${round}-${way === "signed URL" ? "signed" : "old"}.bin`);
        await writeRandomFile(file, SIZE); // fresh content: no deduplication
        const before = { fn: relay.bytesIn(), st: storage.state.objects.bytesReceived };
        const started = performance.now();
        if (way === "signed URL") await worker.uploadResult(claim.run_id, `signed-${round}.bin`, file);
        else await uploadThroughFunction(relayed, token, claim.run_id, `old-${round}.bin`, file);
        samples.push({
          way,
          seconds: (performance.now() - started) / 1000,
          functionBytes: relay.bytesIn() - before.fn,
          storageBytes: storage.state.objects.bytesReceived - before.st,
        });
        rmSync(file);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await relay.close();
    await stack.stop();
    await storage.close();
  }
  report(samples);
}

async function uploadThroughFunction(base: string, token: string, runId: string, path: string, file: string) {
  const res = await fetch(`${base}/worker-api/runs/${runId}/results?path=${encodeURIComponent(path)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: await openAsBlob(file),
  });
  if (res.status !== 201) throw new Error(`old upload: ${res.status} ${await res.text()}`);
}

function report(samples: Sample[]): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const mb = (n: number) => (n / MB).toFixed(n < MB ? 3 : 1);
  console.log(`\nresult upload, ${mb(SIZE)} MiB per file, ${ROUNDS} rounds, ${cpus().length} cores\n`);
  console.log("| way | MiB into the functions | MiB into Storage | seconds (median) | MiB/s |");
  console.log("|---|---|---|---|---|");
  const rows: Record<string, number> = {};
  for (const way of ["through the function", "signed URL"] as const) {
    const own = samples.filter((s) => s.way === way);
    const seconds = median(own.map((s) => s.seconds));
    rows[way] = seconds;
    console.log(
      `| ${way} | ${mb(median(own.map((s) => s.functionBytes)))} | ${mb(median(own.map((s) => s.storageBytes)))} | ${seconds.toFixed(2)} | ${(SIZE / MB / seconds).toFixed(0)} |`,
    );
  }
  const ratio = (rows["through the function"] ?? 0) / (rows["signed URL"] ?? 1);
  console.log(`\nsame-run ratio (time through the function / time by signed URL): ${ratio.toFixed(2)}×`);
  for (const s of samples)
    console.log(
      `  ${s.way}: ${s.seconds.toFixed(2)} s, functions ${s.functionBytes} B, storage ${s.storageBytes} B`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
