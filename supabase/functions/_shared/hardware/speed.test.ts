import { describe, expect, it } from "vitest";
import { GPU_PERFORMANCE } from "./gpu-performance.ts";
import { GPU_TYPES } from "./gpu-types.ts";
import { DEFAULT_SPEED_MODEL, gpuSpeed, podSpeed, referencePodSpeed, workloadOf } from "./speed.ts";

describe("the speed model", () => {
  it("has spec-sheet throughput for every GPU type in the catalog", () => {
    for (const gpu of GPU_TYPES) {
      const perf = GPU_PERFORMANCE[gpu.short];
      expect(perf, gpu.short).toBeDefined();
      expect(perf?.bf16DenseTflops).toBeGreaterThan(0);
      expect(perf?.memoryBandwidthGbs).toBeGreaterThan(0);
    }
  });

  it("makes the reference GPU 1 and scales others by compute for training, bandwidth for inference", () => {
    expect(gpuSpeed("A100S", "training")).toBeCloseTo(1, 10);
    expect(gpuSpeed("A100S", "inference")).toBeCloseTo(1, 10);
    // H100 SXM: 3.2x the tensor throughput, 1.6x the bandwidth of an A100 SXM.
    expect(gpuSpeed("H100S", "training")).toBeGreaterThan(2.4);
    expect(gpuSpeed("H100S", "training")).toBeLessThan(3.2);
    expect(gpuSpeed("H100S", "inference")).toBeLessThan(gpuSpeed("H100S", "training"));
    // An RTX 3090 has half an A100's bandwidth but under a quarter of its tensor throughput.
    expect(gpuSpeed("RTX3090", "inference")).toBeGreaterThan(gpuSpeed("RTX3090", "training"));
    const computeOnly = { ...DEFAULT_SPEED_MODEL, computeShare: { training: 1, inference: 0 } };
    expect(gpuSpeed("H100S", "training", computeOnly)).toBeCloseTo(989.5 / 312, 6);
    expect(gpuSpeed("H100S", "inference", computeOnly)).toBeCloseTo(3350 / 2039, 6);
  });

  it("charges multi-GPU pods an efficiency per doubling, and nothing when the model is off", () => {
    const one = podSpeed("A40", 1, "training");
    expect(podSpeed("A40", 2, "training")).toBeCloseTo(2 * 0.85 * one, 10);
    expect(podSpeed("A40", 4, "training")).toBeCloseTo(4 * 0.85 ** 2 * one, 10);
    const off = { ...DEFAULT_SPEED_MODEL, enabled: false };
    expect(podSpeed("H100S", 1, "training", off)).toBe(1);
    expect(podSpeed("A40", 2, "training", off)).toBe(1);
  });

  it("measures a job's reference time on the fewest reference cards that hold it", () => {
    expect(referencePodSpeed(24, 75, "training")).toBeCloseTo(1, 10);
    expect(referencePodSpeed(120, 75, "training")).toBeCloseTo(2 * 0.85, 10);
    expect(referencePodSpeed(5000, 75, "training")).toBeCloseTo(8 * 0.85 ** 3, 10);
  });

  it("reads the workload from the job type", () => {
    expect(workloadOf("inference")).toBe("inference");
    expect(workloadOf("batch-eval")).toBe("inference");
    expect(workloadOf("api-deployment")).toBe("inference");
    expect(workloadOf("fine-tuning")).toBe("training");
    expect(workloadOf("custom")).toBe("training");
    expect(workloadOf(null)).toBe("training");
  });
});
