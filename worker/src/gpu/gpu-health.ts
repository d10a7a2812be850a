import type { GpuInfo } from "./nvidia-smi-parser.ts";

export interface GpuHealthLimits {
  /** A fresh worker's GPUs should be nearly empty; less free than this means a stuck process. */
  minFreeFraction: number;
  maxUncorrectedEcc: number;
  maxCorrectedEcc: number;
}

// The original worker's thresholds: 10 % free, no uncorrected ECC errors, ≤ 1000 corrected ones.
export const DEFAULT_GPU_HEALTH_LIMITS: GpuHealthLimits = {
  minFreeFraction: 0.1,
  maxUncorrectedEcc: 0,
  maxCorrectedEcc: 1000,
};

/** Every reason a GPU is unfit to take jobs; empty when all are healthy. */
export function gpuHealthProblems(
  gpus: GpuInfo[],
  limits: GpuHealthLimits = DEFAULT_GPU_HEALTH_LIMITS,
): string[] {
  const problems: string[] = [];
  for (const gpu of gpus) {
    const label = `GPU ${gpu.index} (${gpu.name})`;
    if (gpu.memoryTotalMib <= 0) problems.push(`${label} reports no memory`);
    else if (gpu.memoryFreeMib / gpu.memoryTotalMib < limits.minFreeFraction) {
      problems.push(`${label} has only ${gpu.memoryFreeMib} of ${gpu.memoryTotalMib} MiB free`);
    }
    if (gpu.eccUncorrected !== null && gpu.eccUncorrected > limits.maxUncorrectedEcc) {
      problems.push(`${label} has ${gpu.eccUncorrected} uncorrected ECC errors`);
    }
    if (gpu.eccCorrected !== null && gpu.eccCorrected > limits.maxCorrectedEcc) {
      problems.push(`${label} has ${gpu.eccCorrected} corrected ECC errors`);
    }
  }
  return problems;
}
