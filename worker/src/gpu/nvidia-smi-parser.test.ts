import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectGpus } from "./detect-gpus.ts";
import { gpuHealthProblems } from "./gpu-health.ts";
import { parseGpuQueryOutput, shortGpuName, summarizeHardware } from "./nvidia-smi-parser.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/nvidia-smi/${name}`, import.meta.url), "utf8");

describe("nvidia-smi parsing", () => {
  it.each([
    ["h100.csv", { gpuCount: 1, gpuType: "H100", hardwareType: "1x NVIDIA H100 80GB HBM3", vramGb: 80 }],
    [
      "a100-sxm4-80gb.csv",
      { gpuCount: 1, gpuType: "A100", hardwareType: "1x NVIDIA A100-SXM4-80GB", vramGb: 80 },
    ],
    [
      "rtx4090.csv",
      { gpuCount: 1, gpuType: "RTX 4090", hardwareType: "1x NVIDIA GeForce RTX 4090", vramGb: 24 },
    ],
    ["l40s.csv", { gpuCount: 1, gpuType: "L40S", hardwareType: "1x NVIDIA L40S", vramGb: 45 }],
    ["8x-h100.csv", { gpuCount: 8, gpuType: "H100", hardwareType: "8x NVIDIA H100 80GB HBM3", vramGb: 640 }],
    [
      "2x-a100-unhealthy.csv",
      { gpuCount: 2, gpuType: "A100", hardwareType: "2x NVIDIA A100-PCIE-40GB", vramGb: 80 },
    ],
    ["h200.csv", { gpuCount: 1, gpuType: "H200", hardwareType: "1x NVIDIA H200", vramGb: 140 }],
  ])("summarizes %s as count, model and VRAM", (file, expected) => {
    expect(summarizeHardware(parseGpuQueryOutput(fixture(file)))).toEqual(expected);
  });

  it("reads GeForce ECC counters reported as [N/A] as unknown", () => {
    const [gpu] = parseGpuQueryOutput(fixture("rtx4090.csv"));
    expect(gpu).toEqual({
      index: 0,
      name: "NVIDIA GeForce RTX 4090",
      memoryTotalMib: 24564,
      memoryFreeMib: 24082,
      eccUncorrected: null,
      eccCorrected: null,
    });
  });

  it("refuses a row with the wrong number of columns", () => {
    expect(() => parseGpuQueryOutput("0, NVIDIA H100, 81559\n")).toThrow(/columns/);
  });

  it("shortens driver names to the scaler's hardware vocabulary", () => {
    expect(shortGpuName("NVIDIA H200")).toBe("H200");
    expect(shortGpuName("NVIDIA RTX A6000")).toBe("RTX A6000");
    expect(shortGpuName("Tesla V100-SXM2-16GB")).toBe("V100");
    expect(shortGpuName("NVIDIA Mystery 9000")).toBe("Mystery 9000");
  });

  it("has no hardware without GPUs", () => {
    expect(summarizeHardware([])).toEqual({ gpuCount: 0, gpuType: null, hardwareType: null, vramGb: 0 });
  });
});

describe("GPU health", () => {
  it("accepts idle GPUs with few corrected ECC errors", () => {
    for (const file of ["h100.csv", "rtx4090.csv", "l40s.csv", "8x-h100.csv"]) {
      expect(gpuHealthProblems(parseGpuQueryOutput(fixture(file)))).toEqual([]);
    }
  });

  it("names every GPU that is nearly full or has uncorrected ECC errors", () => {
    const problems = gpuHealthProblems(parseGpuQueryOutput(fixture("2x-a100-unhealthy.csv")));
    expect(problems).toEqual([
      "GPU 1 (NVIDIA A100-PCIE-40GB) has only 2048 of 40960 MiB free",
      "GPU 1 (NVIDIA A100-PCIE-40GB) has 2 uncorrected ECC errors",
    ]);
  });

  it("flags more than 1000 corrected ECC errors", () => {
    const gpus = parseGpuQueryOutput("0, NVIDIA H100 80GB HBM3, 81559, 81008, 0, 1001\n");
    expect(gpuHealthProblems(gpus)).toEqual(["GPU 0 (NVIDIA H100 80GB HBM3) has 1001 corrected ECC errors"]);
  });
});

describe("GPU detection", () => {
  it("treats a machine without nvidia-smi as CPU only", async () => {
    const detection = await detectGpus(async () => ({ exitCode: null, stdout: "", stderr: "" }));
    expect(detection).toEqual({ gpus: [], note: "nvidia-smi not installed" });
  });

  it("treats a driver that cannot see a GPU as CPU only, keeping its message", async () => {
    const stdout = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n";
    const detection = await detectGpus(async () => ({ exitCode: 9, stdout, stderr: "" }));
    expect(detection.gpus).toEqual([]);
    expect(detection.note).toMatch(/exited 9: NVIDIA-SMI has failed/);
  });

  it("asks nvidia-smi for exactly the columns the parser reads", async () => {
    let seen: string[] = [];
    const detection = await detectGpus(async (_file, args) => {
      seen = args;
      return { exitCode: 0, stdout: fixture("8x-h100.csv"), stderr: "" };
    });
    expect(seen).toEqual([
      "--query-gpu=index,name,memory.total,memory.free,ecc.errors.uncorrected.volatile.total,ecc.errors.corrected.volatile.total",
      "--format=csv,noheader,nounits",
    ]);
    expect(detection.gpus).toHaveLength(8);
  });

  it("runs without a real nvidia-smi on this machine", async () => {
    const detection = await detectGpus();
    expect(detection.note === null ? detection.gpus.length > 0 : detection.gpus.length === 0).toBe(true);
  });
});
