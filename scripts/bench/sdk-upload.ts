// `npm run bench:sdk`: streams a 2 GB file through the SDK's upload path (hash while uploading)
// to a local sink, and compares the throughput with the system `sha256sum` on the same file in
// the same run. The uploader runs in its own process on the built package so its peak RSS is
// the SDK's alone. Goals: ≥ 0.8× sha256sum throughput, ≤ 150 MB peak RSS.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIZE = Number(process.env.BENCH_SDK_BYTES ?? 2 * 1024 ** 3);
const repo = fileURLToPath(new URL("../../", import.meta.url));

async function writeTestFile(path: string): Promise<void> {
  const block = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  const out = createWriteStream(path);
  for (let written = 0; written < SIZE; written += block.length) {
    const piece = block.subarray(0, Math.min(block.length, SIZE - written));
    if (!out.write(piece)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

function timeSha256sum(path: string): { sha256: string; seconds: number } {
  const started = process.hrtime.bigint();
  const sha256 = execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0] ?? "";
  return { sha256, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Discards the body and answers like POST /api/files would. */
async function startSink(sha256: string) {
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      const file = {
        id: "result:file-000000000000",
        organization_id: "00000000-0000-4000-8000-000000000001",
        filename: "big.bin",
        purpose: "result",
        bytes,
        sha256,
        created_at: new Date().toISOString(),
      };
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(file));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1` };
}

const UPLOADER = `
import { OpenWeights, fileFromPath } from ${JSON.stringify(join(repo, "sdk/dist/node.mjs"))};
const [path, baseURL] = process.argv.slice(2);
const ow = new OpenWeights({ apiKey: "bench", baseURL, maxRetries: 0 });
const started = process.hrtime.bigint();
const file = await ow.files.create({ file: await fileFromPath(path), purpose: "result", largeFileThreshold: Infinity });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ seconds, sha256: file.sha256, maxRssKb: process.resourceUsage().maxRSS }));
`;

function runUploader(
  script: string,
  path: string,
  url: string,
): Promise<{ seconds: number; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, path, url], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`uploader exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  execFileSync("npm", ["run", "build"], { cwd: join(repo, "sdk"), stdio: "ignore" });
  const dir = mkdtempSync(join(tmpdir(), "ow-bench-sdk-"));
  try {
    const path = join(dir, "big.bin");
    await writeTestFile(path);
    const reference = timeSha256sum(path);
    const sink = await startSink(reference.sha256);
    const script = join(dir, "uploader.mjs");
    writeFileSync(script, UPLOADER);
    const upload = await runUploader(script, path, sink.url);
    sink.server.close();
    const mb = SIZE / 1024 ** 2;
    const sdkMBps = mb / upload.seconds;
    const sumMBps = mb / reference.seconds;
    const result = {
      bytes: SIZE,
      sha256sum_MBps: Math.round(sumMBps),
      sdk_upload_MBps: Math.round(sdkMBps),
      ratio: Number((sdkMBps / sumMBps).toFixed(2)),
      peak_rss_MB: Math.round(upload.maxRssKb / 1024),
      cpus: cpus().length,
      node: process.version,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `goal ratio ≥ 0.8: ${result.ratio >= 0.8 ? "met" : "missed"}; goal RSS ≤ 150 MB: ${result.peak_rss_MB <= 150 ? "met" : "missed"}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
