// Worker behaviour that needs to look inside the API double: server-side shutdown, orphans
// reported at register, time to live, the CLI's signal handling.
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseWorkerEnv } from "../src/config/env.ts";
import { DockerExecutor } from "../src/executors/docker-executor.ts";
import { CPU_ONLY } from "../src/loop/worker-identity.ts";
import { runWorkerCli, startWorker } from "../src/main.ts";
import { createMemoryLogger } from "../src/util/logger.ts";
import { fakeLoopHarness } from "./fake-loop-harness.ts";
import { eventually } from "./loop-harness.ts";
import { FOREVER, node } from "./worker-loop.scenarios.ts";

type Harness = Awaited<ReturnType<typeof fakeLoopHarness>>;

describe("worker control", () => {
  let h: Harness;
  let workRoot: string;
  beforeEach(async () => {
    h = await fakeLoopHarness();
    workRoot = mkdtempSync(join(tmpdir(), "ow-control-"));
  });
  afterEach(async () => {
    await h.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  const env = (token: string, extra: Record<string, string> = {}) => ({
    OPENWEIGHTS_API_URL: h.apiUrl,
    OPENWEIGHTS_WORKER_TOKEN: token,
    OW_WORKER_IMAGE: h.image,
    OW_WORK_DIR: workRoot,
    OW_CLAIM_WAIT_MS: "100",
    OW_HEARTBEAT_MS: "30",
    OW_LOG_FLUSH_MS: "20",
    OW_EVENTS_POLL_MS: "20",
    OW_SHUTDOWN_GRACE_MS: "200",
    ...extra,
  });
  const identity = () => ({
    image: h.image,
    provider: "local" as const,
    podId: null,
    hardware: CPU_ONLY,
    cachedModels: ["org/model"],
    version: "t",
  });

  it("removes a previous worker's leftover job containers before it registers", async () => {
    const calls: string[][] = [];
    const executor = new DockerExecutor({
      network: null,
      extraArgs: [],
      runCommand: async (_file, args) => {
        calls.push(args);
        // 4194305 is above Linux's largest pid_max (2^22): no process can have it
        const stdout = args[0] === "ps" ? "c0ffee\t4194305:1\n" : "";
        return { exitCode: 0, stdout, stderr: "" };
      },
    });
    const token = await h.newWorkerToken();
    const logger = createMemoryLogger();
    const worker = startWorker(parseWorkerEnv(env(token)), {
      identity: identity(),
      logger,
      executor,
      workerEnv: {},
    });
    await eventually(
      async () => h.fake.workers.get("worker-1")?.heartbeats ?? 0,
      (n) => n > 0,
    );
    worker.shutdown();
    await worker.done;
    expect(calls.map((c) => c[0])).toEqual(["ps", "rm"]);
    expect(calls[1]).toEqual(["rm", "--force", "c0ffee"]);
    const warned = logger.records.findIndex(
      (r) => r.message === "removed job containers a previous worker left running",
    );
    expect(logger.records[warned]?.fields).toEqual({ containers: "c0ffee" });
    expect(warned).toBeLessThan(logger.records.findIndex((r) => r.message.startsWith("registered")));
  });

  it("stops when the server asks it to shut down", async () => {
    const token = await h.newWorkerToken();
    const worker = startWorker(parseWorkerEnv(env(token)), {
      identity: identity(),
      logger: createMemoryLogger(),
      workerEnv: {},
    });
    await eventually(
      async () => h.fake.workers.get("worker-1")?.heartbeats ?? 0,
      (n) => n > 0,
    );
    h.fake.requestShutdown("worker-1");
    const exit = await worker.done;
    expect(exit).toMatchObject({ reason: "shutdown", detail: "the server asked this worker to shut down" });
    expect(await h.workerStopped(token)).toBe(true);
  });

  it("logs the runs it held before a restart, which the server requeued at register", async () => {
    const token = await h.newWorkerToken();
    const jobId = await h.submitJob({ entrypoint: node(FOREVER) });
    const first = startWorker(parseWorkerEnv(env(token)), {
      identity: identity(),
      logger: createMemoryLogger(),
      workerEnv: { PATH: process.env.PATH },
    });
    const running = await eventually(
      () => h.job(jobId),
      (j) => j.runs.length === 1,
    );
    // a crash: the server never hears from this worker again, but its token is still valid
    h.fake.faults.stop = () => "fail";
    first.shutdown();
    first.shutdown();
    await first.done;
    h.fake.runs.get(running.runs[0]!.id)!.status = "in_progress";
    h.fake.faults.stop = () => undefined;
    const logger = createMemoryLogger();
    const second = startWorker(parseWorkerEnv(env(token)), {
      identity: identity(),
      logger,
      workerEnv: { PATH: process.env.PATH },
    });
    await eventually(
      async () => logger.records,
      (r) => r.some((x) => x.message.includes("requeued")),
    );
    expect(logger.records.find((r) => r.message.includes("requeued"))?.fields.run_id).toBe(
      running.runs[0]!.id,
    );
    second.shutdown();
    second.shutdown();
    await second.done;
  });

  it("stops claiming once its time to live is over", async () => {
    const token = await h.newWorkerToken();
    const config = parseWorkerEnv(env(token));
    config.intervals.ttlMs = 1;
    const exit = await startWorker(config, {
      identity: identity(),
      logger: createMemoryLogger(),
      workerEnv: {},
    }).done;
    expect(exit.reason).toBe("ttl");
    expect(h.fake.calls.claim ?? 0).toBeLessThanOrEqual(1);
  });

  it("registers its hardware, image and cached models", async () => {
    const token = await h.newWorkerToken();
    let registered: unknown;
    const original = h.fake.app.fetch.bind(h.fake.app);
    const spy = async (request: Request) => {
      if (request.url.endsWith("/register")) registered = await request.clone().json();
      return original(request);
    };
    const config = parseWorkerEnv(env(token));
    config.intervals.ttlMs = 1;
    const hardware = { gpuCount: 2, gpuType: "H100", hardwareType: "2x H100", vramGb: 160 };
    const fetchSpy = (async (input: string | URL | Request, init?: RequestInit) =>
      spy(new Request(input, init))) as typeof fetch;
    await startWorker(config, {
      identity: { ...identity(), hardware },
      fetch: fetchSpy,
      logger: createMemoryLogger(),
      workerEnv: {},
    }).done;
    expect(registered).toEqual({
      image: h.image,
      provider: "local",
      pod_id: null,
      hardware_type: "2x H100",
      gpu_type: "H100",
      gpu_count: 2,
      vram_gb: 160,
      cached_models: ["org/model"],
      version: "t",
    });
  });

  it("exits with status 2 and names every bad variable when misconfigured", async () => {
    let stderr = "";
    const code = await runWorkerCli([], { env: { OW_HEARTBEAT_MS: "x" }, stderr: (t) => (stderr += t) });
    expect(code).toBe(2);
    expect(stderr).toContain("OPENWEIGHTS_API_URL");
    expect(stderr).toContain("OPENWEIGHTS_WORKER_TOKEN");
    expect(stderr).toContain("OW_HEARTBEAT_MS");
  });

  it("runs from the CLI until SIGTERM, then tells the server it stopped and exits 0", async () => {
    const token = await h.newWorkerToken();
    const signals = new EventEmitter();
    const cliEnv = { ...env(token), PATH: process.env.PATH ?? "", OW_LOG_LEVEL: "error" };
    const exiting = runWorkerCli(["--image", h.image], {
      env: cliEnv,
      signals: signals as unknown as Pick<NodeJS.Process, "on" | "off">,
    });
    const jobId = await h.submitJob({ entrypoint: node(`console.log("from cli")`) });
    await eventually(
      () => h.job(jobId),
      (j) => j.status === "completed",
    );
    signals.emit("SIGTERM", "SIGTERM");
    expect(await exiting).toBe(0);
    expect(await h.workerStopped(token)).toBe(true);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });
});
