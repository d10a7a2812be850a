import { describe, expect, it } from "vitest";
import { detectGpus, parseNvidiaSmiGpus, runNvidiaSmi } from "./gpus.ts";

describe("nvidia-smi GPU detection", () => {
  it("parses one line per GPU with memory in MiB and rounded GB", () => {
    const gpus = parseNvidiaSmiGpus("NVIDIA H200, 143771\nNVIDIA A100-SXM4-80GB, 81920\n");
    expect(gpus).toEqual([
      { index: 0, name: "NVIDIA H200", memoryMib: 143771, memoryGb: 140 },
      { index: 1, name: "NVIDIA A100-SXM4-80GB", memoryMib: 81920, memoryGb: 80 },
    ]);
  });

  it("keeps nvidia-smi's indices when a line cannot be read", () => {
    const gpus = parseNvidiaSmiGpus("NVIDIA GeForce RTX 4090, [N/A]\r\nNVIDIA GeForce RTX 4090, 24564\r\n");
    expect(gpus).toEqual([{ index: 1, name: "NVIDIA GeForce RTX 4090", memoryMib: 24564, memoryGb: 24 }]);
  });

  it("reads empty output as no GPUs", () => {
    expect(parseNvidiaSmiGpus("")).toEqual([]);
  });

  it("reports zero GPUs when nvidia-smi is missing", async () => {
    expect(await runNvidiaSmi("/nonexistent/nvidia-smi")).toBeNull();
    expect(await detectGpus(() => runNvidiaSmi("/nonexistent/nvidia-smi"))).toEqual([]);
  });

  it("reports zero GPUs when nvidia-smi fails", async () => {
    expect(await runNvidiaSmi("false")).toBeNull();
  });
});
