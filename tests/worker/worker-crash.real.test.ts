// Real worker processes (`tsx worker/src/cli.ts`, each in its own process group) against the real
// stack (Deno gateway + Postgres): a worker SIGKILLed mid-job, a 100,000-line job, what a job
// sees of the worker's environment and the organization's secrets, and that it cannot reach the
// worker's credential (with jobs run as root, the probe below found it and claimed with it).
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isRunning, waitFor } from "../../scripts/local/process-probe.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";
import { type CliWorker, readRunLogs, startCliWorker } from "./cli-worker.ts";

const IMAGE = "ow/crash-test:1";

let stack: TestStack;
let api: ReturnType<typeof client>;
let workRoot: string;
const workers: CliWorker[] = [];
const jobPids: number[] = [];

beforeAll(async () => {
  stack = await startTestStack({ OW_LEASE_SECONDS: "5", OW_HEARTBEAT_SECONDS: "1" });
  api = client(stack.url, stack.adminToken);
  workRoot = mkdtempSync(join(tmpdir(), "ow-crash-test-"));
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(2_000)));
});

afterAll(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
  for (const pid of jobPids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  await stack?.stop();
  rmSync(workRoot, { recursive: true, force: true });
});

async function startWorker(env: Record<string, string> = {}): Promise<CliWorker> {
  const [row] = await stack.db
    .sql`select token from internal.mint_worker_token(${stack.orgId}, ${`w-${workers.length}-${Date.now()}`})`;
  const worker = startCliWorker({
    apiUrl: stack.url,
    token: String(row!.token),
    image: IMAGE,
    workDir: workRoot,
    env,
  });
  workers.push(worker);
  return worker;
}

async function submit(script: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api("POST", "/api/jobs", {
    type: "custom",
    image: IMAGE,
    entrypoint: [process.execPath, "-e", script],
    params: { nonce: crypto.randomUUID() },
    requires_vram_gb: 0,
    ...extra,
  });
  if (res.status >= 300) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}

interface RunRow {
  id: string;
  attempt: number;
  status: string;
  failure_kind: string | null;
}

async function runs(jobId: string): Promise<RunRow[]> {
  const res = await api("GET", `/api/jobs/${jobId}/runs`);
  return res.body.data as RunRow[];
}

async function jobStatus(jobId: string): Promise<string> {
  return String((await api("GET", `/api/jobs/${jobId}`)).body.status);
}

/** The contents of the result files the job uploaded, by path. */
async function results(jobId: string): Promise<Record<string, string>> {
  const res = await api("GET", `/api/jobs/${jobId}/events?limit=100`);
  const out: Record<string, string> = {};
  for (const event of res.body.data as { type: string; data: { file_id: string; path: string } }[]) {
    if (event.type !== "file") continue;
    const file = await fetch(`${stack.url}/api/files/${encodeURIComponent(event.data.file_id)}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    out[event.data.path] = await file.text();
  }
  return out;
}

// Prints its pid and that of a silent helper in its process group (a dataloader worker, a
// vLLM engine: they print nothing), then a numbered line every 200 ms; writes a result at the end.
// After line 4 it waits for `release` (written once the first worker is killed), so the first run
// is still alive when the test kills its worker however slowly its logs arrive on a loaded machine;
// the second run finds the file and prints all 40 lines.
const slowJob = (release: string) => `
const fs = require("fs"), path = require("path"), cp = require("child_process");
const release = ${JSON.stringify(release)};
const helper = cp.spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
console.log("pid " + process.pid);
console.log("helper " + helper.pid);
let i = 0;
const timer = setInterval(() => {
  if (i === 5 && !fs.existsSync(release)) return;
  console.log("line " + i);
  if (++i < 40) return;
  clearInterval(timer);
  helper.kill();
  fs.writeFileSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "result.txt"), "done in attempt " + process.env.OPENWEIGHTS_ATTEMPT);
}, 200);
`;

const numberFrom = (lines: { line: string }[], prefix: string): number => {
  const line = lines.find((l) => l.line.startsWith(prefix));
  if (!line) throw new Error(`no line starting with ${prefix}`);
  return Number(line.line.slice(prefix.length));
};

describe("a worker process killed mid-job", () => {
  it("loses the run with its logs kept, leaves no job process behind, and a second worker completes the job", async () => {
    // readable by the job user a root worker runs jobs as
    const releaseDir = mkdtempSync(join(tmpdir(), "ow-crash-release-"));
    chmodSync(releaseDir, 0o755);
    const release = join(releaseDir, "release");
    const jobId = await submit(slowJob(release));
    const first = await startWorker();
    const firstRun = await waitFor(async () => (await runs(jobId))[0], "the first run");
    const before = await waitFor(async () => {
      const lines = await readRunLogs(api, jobId, firstRun.id);
      return lines.some((l) => l.line === "line 4") ? lines : undefined;
    }, "five lines of the first run");
    const jobPid = numberFrom(before, "pid ");
    const helperPid = numberFrom(before, "helper ");
    jobPids.push(jobPid);
    expect(isRunning(jobPid)).toBe(true);
    expect(isRunning(helperPid)).toBe(true);

    first.kill();
    expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
    // On a pod the container goes with its worker; the process executor gives the same promise.
    await waitFor(
      () => !isRunning(jobPid) && !isRunning(helperPid),
      "the job's processes to go",
      10_000,
    ).catch(() => undefined);
    expect({ job: isRunning(jobPid), helper: isRunning(helperPid) }).toEqual({ job: false, helper: false });
    writeFileSync(release, "");

    const second = await startWorker();
    // Nobody heartbeats the run any more: once its 5 s lease is over, the reaper requeues the job.
    const lost = await waitFor(
      async () => {
        await stack.db.sql`select public.reap_expired_leases()`;
        const run = (await runs(jobId)).find((r) => r.id === firstRun.id);
        return run?.status === "lost" ? run : undefined;
      },
      "the first run to be reaped",
      20_000,
    );
    expect(lost.failure_kind).toBe("lost");

    await waitFor(async () => (await jobStatus(jobId)) === "completed", "the job to complete", 30_000);
    const all = await runs(jobId);
    expect(all.map((r) => r.status)).toEqual(["lost", "completed"]);
    expect(all[1]!.attempt).toBeGreaterThanOrEqual(all[0]!.attempt);

    // The lost run's lines stay readable, in order, with no gaps: what the job printed before the
    // kill (at most the last flush interval's lines are missing at the end).
    const kept = await readRunLogs(api, jobId, firstRun.id);
    const keptLines = kept.map((l) => l.line).filter((l) => l.startsWith("line "));
    expect(keptLines.length).toBeGreaterThanOrEqual(5);
    expect(keptLines).toEqual(keptLines.map((_, i) => `line ${i}`));
    expect(keptLines.length).toBeLessThan(40);

    const secondRunLines = (await readRunLogs(api, jobId, all[1]!.id)).map((l) => l.line);
    expect(secondRunLines.filter((l) => l.startsWith("line "))).toEqual(
      Array.from({ length: 40 }, (_, i) => `line ${i}`),
    );
    jobPids.push(
      numberFrom(
        secondRunLines.map((line) => ({ line })),
        "pid ",
      ),
    );
    expect(Object.values(await results(jobId))).toEqual([`done in attempt ${all[1]!.attempt}`]);
    // The worker logs the run's end after complete_run has committed, so the line may lag the row.
    await waitFor(
      async () => second.output().includes("lease_lost=false"),
      "the second worker to log the run's end",
    );
    rmSync(releaseDir, { recursive: true, force: true });
  }, 90_000);
});

// 100,000 numbered lines as fast as the job can write them, stdout and stderr interleaved.
const FLOOD_JOB = `
const N = 100000;
let i = 0;
function more() {
  let ok = true;
  while (i < N && ok) {
    const line = "flood " + String(i).padStart(6, "0") + " " + "x".repeat(i % 97) + "\\n";
    ok = i % 10 === 9 ? process.stderr.write(line) : process.stdout.write(line);
    i++;
  }
  if (i < N) (ok ? setImmediate : (f) => process.stdout.once("drain", f))(more);
}
more();
`;

describe("a job writing 100,000 log lines", () => {
  it("has every line stored exactly once, in order, readable through the api", async () => {
    const jobId = await submit(FLOOD_JOB);
    await startWorker({ OW_LOG_FLUSH_MS: "250" });
    await waitFor(async () => (await jobStatus(jobId)) === "completed", "the flood job to complete", 60_000);
    const [run] = await runs(jobId);
    const lines = await readRunLogs(api, jobId, run!.id);
    const expected = Array.from(
      { length: 100_000 },
      (_, i) => `flood ${String(i).padStart(6, "0")} ${"x".repeat(i % 97)}`,
    );
    // Stdout and stderr are separate pipes: order within each stream is what is promised.
    const stdout = lines.filter((l) => l.stream === "o").map((l) => l.line);
    const stderr = lines.filter((l) => l.stream === "e").map((l) => l.line);
    expect(lines.length).toBe(100_000);
    expect(stdout).toEqual(expected.filter((_, i) => i % 10 !== 9));
    expect(stderr).toEqual(expected.filter((_, i) => i % 10 === 9));
    const [count] = await stack.db
      .sql`select coalesce(sum(cardinality(lines)), 0)::int as n, count(distinct seq)::int as chunks, count(*)::int as rows from run_logs where run_id = ${run!.id}`;
    expect(count!.n).toBe(100_000);
    expect(count!.chunks).toBe(count!.rows);
  }, 90_000);
});

// Writes its whole environment (names and values) as a result file.
const ENV_JOB = `
const fs = require("fs"), path = require("path");
fs.writeFileSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "env.json"), JSON.stringify(process.env));
`;

describe("a job's environment", () => {
  it("holds the secrets it declared and neither undeclared secrets nor the worker's credentials", async () => {
    for (const [name, value] of [
      ["DECLARED_ONE", "declared-value-1"],
      ["DECLARED_TWO", "declared-value-2"],
      ["UNDECLARED_ORG_SECRET", "undeclared-value"],
    ] as const) {
      const res = await api("PUT", `/api/secrets/${name}`, { value });
      expect(res.status).toBeLessThan(300);
    }
    const jobId = await submit(ENV_JOB, { secrets: ["DECLARED_ONE", "DECLARED_TWO"] });
    const worker = await startWorker({
      SUPER_SECRET: "worker-env-secret",
      UNDECLARED_ORG_SECRET: "worker-env-copy",
      HF_TOKEN: "hf-token-of-the-pod",
      RUNPOD_API_KEY: "pod-key",
      DATABASE_URL: "postgres://nope",
      LANG: "C.UTF-8",
    });
    await waitFor(async () => (await jobStatus(jobId)) === "completed", "the env job to complete", 30_000);
    const env = JSON.parse((await results(jobId))["env.json"] ?? "null") as Record<string, string>;

    expect(env.DECLARED_ONE).toBe("declared-value-1");
    expect(env.DECLARED_TWO).toBe("declared-value-2");
    expect(env.LANG).toBe("C.UTF-8"); // allowlisted names do pass
    for (const name of [
      "UNDECLARED_ORG_SECRET",
      "SUPER_SECRET",
      "HF_TOKEN",
      "RUNPOD_API_KEY",
      "DATABASE_URL",
      "OPENWEIGHTS_WORKER_TOKEN",
      "OW_WORK_DIR",
    ]) {
      expect(env, name).not.toHaveProperty(name);
    }
    const values = Object.values(env).join("\n");
    for (const leaked of [
      worker.token,
      "undeclared-value",
      "worker-env-secret",
      "hf-token-of-the-pod",
      "pod-key",
    ]) {
      expect(values).not.toContain(leaked);
    }
    // What the platform promises a job is there; its API key is the run's token, not the worker's.
    expect(env.OPENWEIGHTS_JOB_ID).toBe(jobId);
    expect(env.OPENWEIGHTS_API_KEY).toBeTruthy();
    expect(env.OPENWEIGHTS_API_KEY).not.toBe(worker.token);
  }, 60_000);
});

// Keeps state where a retried attempt would find it, and says what it sees there.
const STATE_JOB = `
const fs = require("fs"), path = require("path");
const dir = process.env.OPENWEIGHTS_JOB_STATE;
fs.mkdirSync(path.join(dir, "checkpoint-1"), { recursive: true });
fs.writeFileSync(path.join(dir, "checkpoint-1", "state.json"), "{}");
fs.writeFileSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "state.txt"), fs.readdirSync(dir).join(","));
`;

describe("a job's state directory", () => {
  // Under a root worker the job runs as openweights-job: the directory must be handed to it (every
  // training job failed with EACCES on its output_dir before, 2026-12-03).
  it("is writable by the job, whichever user it runs as", async () => {
    const jobId = await submit(STATE_JOB);
    await startWorker({});
    await waitFor(async () => (await jobStatus(jobId)) === "completed", "the state job to complete", 30_000);
    expect((await results(jobId))["state.txt"]).toBe("checkpoint-1");
  }, 60_000);
});

// Looks for the worker's credential everywhere a process can look on Linux — its parent's (the
// worker's) environ and memory, every process's environ and command line, the files a worker could
// keep it in — then tries every token it found, and its own run token, on the worker protocol.
const PROBE_JOB = `
const fs = require("fs"), path = require("path");
const TOKEN = /ow_[A-Za-z0-9_-]{43}/g;
const found = new Set(), readable = [];
const look = (file) => {
  try {
    const text = fs.readFileSync(file, "latin1");
    readable.push(file);
    for (const m of text.match(TOKEN) || []) found.add(m);
  } catch {}
};
const parent = process.ppid;
let parentEnviron = "readable";
try { fs.readFileSync("/proc/" + parent + "/environ"); } catch (e) { parentEnviron = e.code; }
let parentMemory = "opened";
try { fs.closeSync(fs.openSync("/proc/" + parent + "/mem", "r")); } catch (e) { parentMemory = e.code; }
for (const pid of fs.readdirSync("/proc").filter((p) => /^[0-9]+$/.test(p))) {
  look("/proc/" + pid + "/environ");
  look("/proc/" + pid + "/cmdline");
  try {
    for (const fd of fs.readdirSync("/proc/" + pid + "/fd")) {
      const file = "/proc/" + pid + "/fd/" + fd;
      try { if (fs.statSync(file).isFile()) look(file); } catch {} // a pipe would block the read
    }
  } catch {}
}
for (const file of JSON.parse(process.argv[1])) look(file);
(async () => {
  const claims = {};
  for (const token of [...found, process.env.OPENWEIGHTS_API_KEY]) {
    const res = await fetch(process.env.OPENWEIGHTS_API_URL + "/worker-api/claim", {
      method: "POST",
      headers: { authorization: "Bearer " + token, "content-type": "application/json" },
      body: JSON.stringify({ wait_ms: 0 }),
    });
    claims[token === process.env.OPENWEIGHTS_API_KEY ? "run token" : token] = res.status;
  }
  fs.writeFileSync(path.join(process.env.OPENWEIGHTS_UPLOADS, "probe.json"), JSON.stringify({
    uid: process.getuid(), parentEnviron, parentMemory, found: [...found], claims,
  }));
})();
`;

describe("a job and its worker's credential (issue 11, item 2)", () => {
  it("cannot read the worker token from /proc, a token file or the worker's memory, and cannot claim jobs", async () => {
    const tokenDir = mkdtempSync(join(tmpdir(), "ow-token-"));
    const tokenFile = join(tokenDir, "token");
    const jobId = await submit(PROBE_JOB, {
      entrypoint: [process.execPath, "-e", PROBE_JOB, JSON.stringify([tokenFile, tokenDir])],
    });
    const [row] = await stack.db
      .sql`select token from internal.mint_worker_token(${stack.orgId}, ${`probe-${Date.now()}`})`;
    const token = String(row!.token);
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const worker = startCliWorker({
      apiUrl: stack.url,
      token, // in the worker's environment too, as on a RunPod pod
      image: IMAGE,
      workDir: workRoot,
      env: { OPENWEIGHTS_WORKER_TOKEN_FILE: tokenFile },
    });
    workers.push(worker);
    await waitFor(async () => (await jobStatus(jobId)) === "completed", "the probe job to complete", 180_000);
    const probe = JSON.parse((await results(jobId))["probe.json"] ?? "null") as {
      uid: number;
      parentEnviron: string;
      parentMemory: string;
      found: string[];
      claims: Record<string, number>;
    };
    expect(probe.found).not.toContain(token);
    expect(probe.parentEnviron).toBe("EACCES");
    expect(probe.parentMemory).toBe("EACCES");
    expect(existsSync(tokenFile)).toBe(false); // read once at start, then deleted
    for (const [who, status] of Object.entries(probe.claims))
      expect([who, [401, 403].includes(status)]).toEqual([who, true]);
    if (process.getuid?.() === 0) expect(probe.uid).not.toBe(0);
    rmSync(tokenDir, { recursive: true, force: true });
  }, 240_000); // the probe scans every process's /proc entries: past 30 s on a loaded machine
});
