// A single run against the in-memory worker API over real HTTP, with real subprocesses.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeJobInput, FakeWorkerApi } from "../../test/fake-worker-api.ts";
import { type ServedApp, serveFetchApp } from "../../test/serve-fetch-app.ts";
import { WorkerApiClient } from "../api/worker-api-client.ts";
import { DEFAULT_INTERVALS, DEFAULT_LOG_LIMITS, type WorkerConfig } from "../config/worker-config.ts";
import { ProcessExecutor } from "../executors/process-executor.ts";
import { systemClock } from "../util/clock.ts";
import { createMemoryLogger } from "../util/logger.ts";
import { RunSession } from "./run-session.ts";

describe("run session", () => {
  let fake: FakeWorkerApi;
  let served: ServedApp;
  let workRoot: string;
  let api: WorkerApiClient;

  beforeEach(async () => {
    fake = new FakeWorkerApi();
    served = await serveFetchApp((r) => fake.app.fetch(r));
    fake.setOrigin(served.origin);
    fake.addWorkerToken("tok", "w1");
    api = new WorkerApiClient({ workerApiUrl: `${served.origin}/functions/v1/worker-api`, token: "tok" });
    workRoot = mkdtempSync(join(tmpdir(), "ow-session-"));
  });
  afterEach(async () => {
    await served.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  async function runJob(
    job: Omit<FakeJobInput, "image">,
    intervals: Partial<typeof DEFAULT_INTERVALS> = {},
    pod: {
      config?: Partial<Pick<WorkerConfig, "publicEndpoint" | "servingPort" | "logs">>;
      env?: Record<string, string>;
    } = {},
  ) {
    const jobId = fake.submitJob({ image: "img", ...job });
    const claim = await api.claim(0);
    if (!claim) throw new Error("nothing to claim");
    const session = new RunSession(claim, {
      api,
      executor: new ProcessExecutor({ sweepGraceMs: 200 }),
      clock: systemClock,
      logger: createMemoryLogger(),
      fetch,
      config: {
        apiUrl: `${served.origin}/functions/v1`,
        token: "tok",
        workRoot,
        keepWorkdirs: false,
        jobEnvAllow: [],
        publicEndpoint: { provider: "local", host: "127.0.0.1" },
        servingPort: null,
        logs: DEFAULT_LOG_LIMITS,
        intervals: {
          ...DEFAULT_INTERVALS,
          logFlushMs: 10,
          eventsPollMs: 10,
          cancelGraceMs: 500,
          retryMaxDelayMs: 20,
          ...intervals,
        },
        ...pod.config,
      },
      workerEnv: { PATH: process.env.PATH, ...pod.env },
      gpuCount: 0,
    });
    const report = await session.result;
    return { report, run: fake.runs.get(claim.run_id)!, job: fake.jobs.get(jobId)! };
  }

  const node = (script: string) => [process.execPath, "-e", script];
  const lines = (r: { logBatches: Map<number, { lines: string[] }> }) =>
    [...r.logBatches.entries()].sort(([a], [b]) => a - b).flatMap(([, b]) => b.lines);

  it("fails a job that runs past its timeout with `timeout`, after killing it", async () => {
    const { report, run, job } = await runJob({
      entrypoint: node("setInterval(() => console.log('tick'), 20)"),
      timeout_seconds: 0.3,
    });
    expect(report.verdict).toMatchObject({ kind: "fail", failureKind: "timeout" });
    expect(run).toMatchObject({ status: "failed", failure_kind: "timeout" });
    expect(job.status).toBe("failed");
  });

  // The serving job's own code (sdk/job-scripts/serve/params.py) computes its port and base_url
  // from what the worker hands it; RUNPOD_POD_ID itself never reaches the job.
  const servingProbe = [
    "python3",
    "-c",
    [
      "import json, os, socket, sys",
      `sys.path.insert(0, ${JSON.stringify(join(import.meta.dirname, "../../../sdk/job-scripts"))})`,
      "from serve.params import parse_serve_params, public_base_url",
      "c = parse_serve_params({'model': 'm'})",
      "if os.environ['OPENWEIGHTS_PUBLIC_URL'].startswith('http://'): socket.socket().bind(('127.0.0.1', c.port))",
      "e = {'type': 'api_ready', 'base_url': public_base_url(os.environ, c.port), 'port': c.port, 'pod': os.environ.get('RUNPOD_POD_ID')}",
      "open(os.environ['OPENWEIGHTS_EVENTS'], 'a').write(json.dumps(e) + '\\n')",
    ].join("\n"),
  ];
  const readyEvent = (r: { events: Map<number, Record<string, unknown>> }) =>
    [...r.events.values()].find((e) => e.type === "api_ready");

  it("gives a local serving job a free loopback port and reports it as its base_url", async () => {
    const { run } = await runJob({ entrypoint: servingProbe });
    const ready = readyEvent(run);
    expect(run.status).toBe("completed");
    expect(ready?.base_url).toBe(`http://127.0.0.1:${ready?.port}/v1`);
    expect(ready?.port).toBeGreaterThan(1023);
  });

  it("gives a serving job on a RunPod pod the proxy URL of the exposed port, not the pod id", async () => {
    const { run } = await runJob(
      { entrypoint: servingProbe },
      {},
      {
        config: { publicEndpoint: { provider: "runpod", podId: "abc123xyz" }, servingPort: 8000 },
        env: { RUNPOD_POD_ID: "abc123xyz" },
      },
    );
    expect(readyEvent(run)).toEqual({
      type: "api_ready",
      base_url: "https://abc123xyz-8000.proxy.runpod.net/v1",
      port: 8000,
      pod: null,
    });
  });

  it("reports CUDA out-of-memory in the output as `oom`", async () => {
    const script = `console.error("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB"); process.exit(1)`;
    const { run } = await runJob({ entrypoint: node(script), max_attempts: 1 });
    expect(run).toMatchObject({ status: "failed", failure_kind: "oom", exit_code: 1 });
  });

  it("fails with system_error, without starting the job, when a mounted file does not match its checksum", async () => {
    fake.submitJob({
      image: "img",
      entrypoint: node("console.log('ran')"),
      mounts: [{ path: "a.txt", content: "abc" }],
    });
    const claim = await api.claim(0);
    // the file served no longer matches what the claim promises
    const served2 = { ...claim!, mounts: claim!.mounts.map((m) => ({ ...m, sha256: "0".repeat(64) })) };
    const session = new RunSession(served2, {
      api,
      executor: new ProcessExecutor(),
      clock: systemClock,
      logger: createMemoryLogger(),
      fetch,
      config: {
        apiUrl: `${served.origin}/functions/v1`,
        token: "tok",
        workRoot,
        keepWorkdirs: false,
        jobEnvAllow: [],
        publicEndpoint: { provider: "local", host: "127.0.0.1" },
        servingPort: null,
        logs: DEFAULT_LOG_LIMITS,
        intervals: { ...DEFAULT_INTERVALS, retryMaxDelayMs: 10 },
      },
      workerEnv: {},
      gpuCount: 0,
    });
    const report = await session.result;
    expect(report.verdict).toMatchObject({ kind: "fail", failureKind: "system_error" });
    expect(report.verdict.kind === "fail" && report.verdict.message).toMatch(/sha256/);
    expect(lines(fake.runs.get(claim!.run_id)!)).toEqual([]);
  });

  it("delivers every log line exactly once while the API drops requests and answers", async () => {
    fake.faults.logs = (n) => (n % 4 === 1 ? "fail" : n % 4 === 2 ? "drop_answer" : undefined);
    fake.faults.events = (n) => (n % 2 === 1 ? "drop_answer" : undefined);
    const script = `
      const fs = require("fs");
      for (let i = 0; i < 5000; i++) console.log("line " + i);
      fs.appendFileSync(process.env.OPENWEIGHTS_EVENTS, '{"n":1}\\n{"n":2}\\n');`;
    const { report, run } = await runJob({ entrypoint: node(script) });
    expect(report.verdict.kind).toBe("complete");
    expect(lines(run)).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i}`));
    expect([...run.events.values()]).toEqual([{ n: 1 }, { n: 2 }]);
  });

  // Issue 11's job stuck `in_progress`: the job's output filled the log buffer while the logs
  // route kept failing (retryable, so retried without end), the pump waited for room that never
  // came, and the run waited on the pump after the job had exited — while the heartbeat kept its
  // lease alive. It hung here before awaitPumps bounded its wait after destroying the pipes.
  it("reports a job that exited while its output was held back by a failing logs route", async () => {
    fake.faults.logs = () => "fail";
    const logs = { maxBatchLines: 10, maxBatchBytes: 512, maxBufferedBytes: 1024, maxLineChars: 1024 };
    const { report, run } = await runJob(
      { entrypoint: node(`for (let i = 0; i < 500; i++) console.log("line " + i)`) },
      { finalFlushMs: 300 },
      { config: { logs } },
    );
    expect(report.verdict.kind).toBe("complete");
    expect(run.status).toBe("completed");
  }, 20_000);

  it("reports a program that cannot be started as the job's error", async () => {
    const { run } = await runJob({ entrypoint: ["/no/such/binary"], max_attempts: 1 });
    expect(run).toMatchObject({ status: "failed", failure_kind: "user_error" });
    expect(run.message).toMatch(/cannot start/);
  });

  it("leaves no working directory behind", async () => {
    await runJob({ entrypoint: node("console.log('x')") });
    expect(readdirSync(workRoot)).toEqual([]);
  });
});
