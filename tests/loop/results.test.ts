// A job's results within reach (issue 15): its runs, its events by type, the files it made (with
// the producing job in `ow files ls`), and `ow jobs download` / `ow.files.download` putting logs,
// every result file and the events on disk.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../../sdk/test/support/cli-in-process.ts";
import { countingClient, type LoopStack, startLoopStack } from "./real-stack.ts";

let loop: LoopStack;
let out: string;
beforeAll(async () => {
  loop = await startLoopStack("w-results");
  out = mkdtempSync(join(tmpdir(), "ow-results-"));
}, 120_000);
afterAll(async () => {
  await loop?.stop();
  rmSync(out, { recursive: true, force: true });
});

// One result file in a subfolder, a metric event, a line on each stream. (With several result
// files only the first gets its `file` event today — the data side issue 12 fixes — so one file
// here; the download writes every file the events name.)
const SCRIPT = [
  'cd "$OPENWEIGHTS_UPLOADS"',
  "mkdir -p sub; printf 'x%.0s' $(seq 1 5000) > sub/big.bin",
  'echo \'{"type":"metric","loss":0.5}\' >> "$OPENWEIGHTS_EVENTS"',
  "echo done; echo warn >&2",
].join("; ");

describe("results within reach", () => {
  it("lists runs, events by type and files by job, and downloads everything", {
    timeout: 120_000,
  }, async () => {
    const { client } = countingClient(loop.stack);
    const job = await client.jobs.create({
      type: "custom",
      image: "python:3.12-slim",
      entrypoint: ["sh", "-c", SCRIPT],
      requires_vram_gb: 0,
    });
    const done = await client.jobs.wait(job.id, { pollInterval: 300, timeout: 90_000 });
    expect(done.status).toBe("completed");
    const env = { OPENWEIGHTS_API_URL: loop.stack.url, OPENWEIGHTS_API_KEY: loop.stack.adminToken };
    const cli = (args: string[]) => runCliInProcess(args, { env, cwd: out });

    const runs = JSON.parse((await cli(["runs", "ls", job.id, "--json"])).stdout) as {
      attempt: number;
      status: string;
    }[];
    expect(runs.map((r) => `${r.attempt} ${r.status}`)).toEqual(["1 completed"]);
    const table = await cli(["runs", "ls", job.id]);
    expect(table.stdout).toMatch(/^ATTEMPT\s+STATUS\s+WORKER/);
    expect(table.stdout).toContain("w-results");

    const fileEvents = JSON.parse((await cli(["events", job.id, "--type", "file", "--json"])).stdout) as {
      data: { path: string };
    }[];
    expect(fileEvents.map((e) => e.data.path)).toEqual(["sub/big.bin"]);
    const metrics = JSON.parse((await cli(["events", job.id, "--type", "metric", "--json"])).stdout) as {
      data: { loss: number };
    }[];
    expect(metrics.map((e) => e.data.loss)).toEqual([0.5]);

    const files = await cli(["files", "ls", "--purpose", "result"]);
    const rows = files.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ID\s+BYTES\s+CREATED\s+JOB\s+FILENAME$/);
    expect(rows.slice(1).filter((r) => r.includes(job.id))).toHaveLength(1);

    const download = await cli(["jobs", "download", job.id, "dl"]);
    expect(download.code).toBe(0);
    expect(download.stderr).toMatch(/\[1\/4\] job\.json/);
    expect(download.stderr).toMatch(/\[4\/4\] results\/sub\/big\.bin \(4\.9 KB\)/);
    const dir = join(out, "dl");
    expect(readFileSync(join(dir, "results", "sub", "big.bin"), "utf8")).toBe("x".repeat(5000));
    expect(readFileSync(join(dir, "logs", "attempt-1.log"), "utf8")).toContain("done\n");
    expect(readFileSync(join(dir, "logs", "attempt-1.log"), "utf8")).toContain("warn\n");
    const events = readFileSync(join(dir, "events.jsonl"), "utf8").trim().split("\n");
    expect(events).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(dir, "job.json"), "utf8")).status).toBe("completed");

    const big = fileEvents.find((e) => e.data.path === "sub/big.bin") as unknown as {
      data: { file_id: string };
    };
    const seen: number[] = [];
    const bytes = await client.files.download(big.data.file_id, join(out, "one", "big.bin"), {
      onProgress: (p) => seen.push(p.written),
    });
    expect(bytes).toBe(5000);
    expect(seen.at(-1)).toBe(5000);
    expect(existsSync(join(out, "one", "big.bin"))).toBe(true);
  });
});
