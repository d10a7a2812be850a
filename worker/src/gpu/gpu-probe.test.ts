import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseWorkerEnv } from "../config/env.ts";
import { inspectMachine } from "../startup.ts";
import { createMemoryLogger } from "../util/logger.ts";
import {
  parseComputeApps,
  parseTorchProbe,
  parseUuids,
  remappedRowProblems,
  retiredPageProblems,
} from "./gpu-probe.ts";

const FAKE_TOOLS = new URL("../../test/fixtures/fake-gpu-tools", import.meta.url).pathname;
const recorded = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/nvidia-smi/${name}`, import.meta.url), "utf8");

describe("GPU probe parsers", () => {
  it("reads the torch probe: failures and GPUs it never reached are problems naming the index", () => {
    const out = [
      '{"torch": true, "count": 3}',
      '{"index": 0, "ok": true, "detail": "fine"}',
      '{"index": 1, "ok": false, "detail": "CUDA error: an illegal memory access"}',
      "Traceback (most recent call last): {garbage",
    ].join("\n");
    expect(parseTorchProbe(out, [0, 1, 2])).toEqual({
      kind: "torch",
      checked: 2,
      problems: [
        "GPU 1 failed the compute check: CUDA error: an illegal memory access",
        "GPU 2 did not finish the compute check",
      ],
    });
    expect(parseTorchProbe('{"torch": false, "detail": "No module named torch"}', [0])).toEqual({
      kind: "no_torch",
      detail: "No module named torch",
    });
    expect(parseTorchProbe('{"torch": true, "count": 1}\n{"index": 0, "ok": true}', [0, 1])).toMatchObject({
      problems: expect.arrayContaining(["torch sees 1 GPUs, nvidia-smi 2"]),
    });
  });

  it("reads retired pages, remapped rows and GPU processes from nvidia-smi", () => {
    const uuids = parseUuids("0, GPU-a\n1, GPU-b\n");
    expect(retiredPageProblems("0, No, 0\n1, Yes, 3\n2, [N/A], [N/A]\n")).toEqual([
      "GPU 1 has retired pages pending (needs a reset)",
      "GPU 1 retired 3 pages for double-bit ECC errors",
    ]);
    expect(remappedRowProblems("GPU-a, 1, 0\nGPU-b, 0, 1\n", uuids)).toEqual([
      "GPU 0 has a row remapping pending (needs a reset)",
      "GPU 1 failed to remap a row (uncorrectable memory)",
    ]);
    expect(parseComputeApps("4242, GPU-b, 30000\n", uuids)).toEqual([
      { pid: 4242, index: 1, usedMib: 30000 },
    ]);
    expect(parseComputeApps("No running processes found\n", uuids)).toEqual([]);
  });

  it("finds a real, healthy H200 healthy from the outputs it printed (fixtures/nvidia-smi/README.md)", () => {
    const uuids = parseUuids(recorded("h200-uuid.csv"));
    expect([...uuids.values()]).toEqual([0]);
    expect(retiredPageProblems(recorded("h200-retired-pages.csv"))).toEqual([]);
    expect(remappedRowProblems(recorded("h200-remapped-rows.csv"), uuids)).toEqual([]);
    expect(parseTorchProbe(recorded("h200-torch-probe.jsonl"), [0])).toEqual({
      kind: "torch",
      checked: 1,
      problems: [],
    });
  });
});

describe("GPU health at start, with a fake nvidia-smi and python3 on PATH", () => {
  const savedPath = process.env.PATH;
  let stray: ChildProcess | undefined;
  beforeEach(() => {
    process.env.PATH = `${FAKE_TOOLS}:${savedPath}`;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    for (const key of ["FAKE_TORCH", "FAKE_BAD_MEMORY", "FAKE_STRAY_PID"]) delete process.env[key];
    stray?.kill("SIGKILL");
  });
  const config = () =>
    parseWorkerEnv({
      OPENWEIGHTS_API_URL: "http://127.0.0.1:1/functions/v1",
      OPENWEIGHTS_WORKER_TOKEN: "ow_w",
      HF_HOME: mkdtempSync(join(tmpdir(), "ow-hf-")),
    });

  it("computes on every GPU through the image's torch and passes healthy GPUs", async () => {
    process.env.FAKE_TORCH = "ok";
    const logger = createMemoryLogger();
    const result = await inspectMachine(config(), logger);
    expect(result.healthy).toBe(true);
    expect(logger.records).toContainEqual(
      expect.objectContaining({ message: "GPU compute check", fields: { gpus: 2, problems: 0 } }),
    );
  });

  it.each([
    ["bad1", "GPU 1 failed the compute check: matmul error 3.2e+01 of 8.0e+01, sum 67108864"],
    ["died1", "GPU 1 did not finish the compute check"],
  ])("reports the GPU index when the torch check says %s", async (mode, problem) => {
    process.env.FAKE_TORCH = mode;
    const logger = createMemoryLogger();
    expect(await inspectMachine(config(), logger)).toEqual({ healthy: false, problems: [problem] });
    expect(logger.records).toContainEqual(expect.objectContaining({ level: "error", message: problem }));
  });

  it.each([
    [
      "a pod with RunPod's self-stop key",
      { RUNPOD_POD_ID: "abc123pod", RUNPOD_API_KEY: "rpa_pod" },
      "runpod",
      "abc123pod",
    ],
    ["a pod without it", { RUNPOD_POD_ID: "abc123pod" }, "runpod", "abc123pod"],
    ["a machine that is no pod", {}, "local", null],
  ])(
    "registers %s under the provider and pod id the scaler pairs it by",
    async (_name, env, provider, podId) => {
      process.env.FAKE_TORCH = "ok";
      const result = await inspectMachine(
        parseWorkerEnv({
          ...env,
          OPENWEIGHTS_API_URL: "http://127.0.0.1:1/functions/v1",
          OPENWEIGHTS_WORKER_TOKEN: "ow_w",
        }),
        createMemoryLogger(),
      );
      expect(result).toMatchObject({ healthy: true, identity: { provider, podId } });
    },
  );

  it("falls back to nvidia-smi memory health without torch and names the failing GPU", async () => {
    process.env.FAKE_TORCH = "none";
    process.env.FAKE_BAD_MEMORY = "1";
    const result = await inspectMachine(config(), createMemoryLogger());
    expect(result).toEqual({
      healthy: false,
      problems: [
        "GPU 1 has retired pages pending (needs a reset)",
        "GPU 1 retired 2 pages for double-bit ECC errors",
        "GPU 1 failed to remap a row (uncorrectable memory)",
      ],
    });
  });

  it("kills a stray process holding GPU memory, then finds the GPU healthy", async () => {
    stray = spawn("sleep", ["60"]);
    process.env.FAKE_STRAY_PID = String(stray.pid);
    process.env.FAKE_TORCH = "ok";
    const exited = new Promise((resolve) => stray?.once("exit", (_code, signal) => resolve(signal)));
    const logger = createMemoryLogger();
    const result = await inspectMachine(config(), logger);
    expect(await exited).toBe("SIGKILL");
    expect(result.healthy).toBe(true);
    expect(logger.records).toContainEqual(
      expect.objectContaining({
        message: "killed a stray GPU process",
        fields: { gpu: 1, pid: stray.pid, used_mib: 80000 },
      }),
    );
  });
});
