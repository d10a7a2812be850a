// Published throughput of each GPU type, for the speed model (speed.ts): dense BF16 tensor
// TFLOPS (FP32 accumulate) and memory bandwidth (GB/s), per GPU.
//
// Sources (vendor spec sheets, read 2026-12-03): NVIDIA H200, H100 (SXM / NVL), A100 (80GB PCIe /
// SXM4), A40, A30, L40, L40S, L4, B200 datasheets; NVIDIA RTX 6000 Ada / 5000 Ada / 4000 Ada /
// 4000 SFF Ada / 2000 Ada and RTX A6000 / A5000 / A4500 / A4000 / A2000 datasheets; the NVIDIA
// Ampere GA102 and Ada AD102 architecture whitepapers (GeForce RTX 30xx / 40xx: "Peak BF16 Tensor
// TFLOPS with FP32 Accumulate"); AMD Instinct MI300X datasheet. Datasheets that quote only the
// sparse figure ("with sparsity") are halved; the RTX Ada datasheets' single "Tensor Performance"
// figure is FP8 with sparsity and is divided by 4. These are peak numbers: the speed model uses
// their ratios only, and a job's real speed also depends on its code (see BENCHMARKS.md).

export interface GpuPerformance {
  /** Dense BF16 tensor throughput, TFLOPS. */
  readonly bf16DenseTflops: number;
  /** Memory bandwidth, GB/s. */
  readonly memoryBandwidthGbs: number;
}

/** By catalog short name (gpu-types.ts). */
export const GPU_PERFORMANCE: Readonly<Record<string, GpuPerformance>> = {
  H200: { bf16DenseTflops: 989.5, memoryBandwidthGbs: 4800 },
  B200: { bf16DenseTflops: 2250, memoryBandwidthGbs: 8000 },
  H100S: { bf16DenseTflops: 989.5, memoryBandwidthGbs: 3350 },
  H100N: { bf16DenseTflops: 835.5, memoryBandwidthGbs: 3900 },
  A100: { bf16DenseTflops: 312, memoryBandwidthGbs: 1935 },
  A100S: { bf16DenseTflops: 312, memoryBandwidthGbs: 2039 },
  MI300X: { bf16DenseTflops: 1307.4, memoryBandwidthGbs: 5300 },
  L40S: { bf16DenseTflops: 362.05, memoryBandwidthGbs: 864 },
  L40: { bf16DenseTflops: 181, memoryBandwidthGbs: 864 },
  "6000Ada": { bf16DenseTflops: 364.25, memoryBandwidthGbs: 960 },
  A6000: { bf16DenseTflops: 154.8, memoryBandwidthGbs: 768 },
  A40: { bf16DenseTflops: 149.7, memoryBandwidthGbs: 696 },
  A30: { bf16DenseTflops: 165, memoryBandwidthGbs: 933 },
  A5000_ADA: { bf16DenseTflops: 261.1, memoryBandwidthGbs: 576 },
  RTX4090: { bf16DenseTflops: 165.2, memoryBandwidthGbs: 1008 },
  RTX3090: { bf16DenseTflops: 71, memoryBandwidthGbs: 936 },
  RTX3090Ti: { bf16DenseTflops: 80, memoryBandwidthGbs: 1008 },
  L4: { bf16DenseTflops: 121, memoryBandwidthGbs: 300 },
  A5000: { bf16DenseTflops: 111.1, memoryBandwidthGbs: 768 },
  A4500: { bf16DenseTflops: 94.6, memoryBandwidthGbs: 640 },
  "4000Ada": { bf16DenseTflops: 81.9, memoryBandwidthGbs: 360 },
  A4000_SFF: { bf16DenseTflops: 76.7, memoryBandwidthGbs: 280 },
  RTX4080: { bf16DenseTflops: 97.5, memoryBandwidthGbs: 716.8 },
  "2000Ada": { bf16DenseTflops: 48, memoryBandwidthGbs: 224 },
  A4000: { bf16DenseTflops: 76.7, memoryBandwidthGbs: 448 },
  RTX4070Ti: { bf16DenseTflops: 80.2, memoryBandwidthGbs: 504 },
  RTX3080Ti: { bf16DenseTflops: 68.2, memoryBandwidthGbs: 912 },
  RTX3080: { bf16DenseTflops: 59.5, memoryBandwidthGbs: 760 },
  RTX3070: { bf16DenseTflops: 40.6, memoryBandwidthGbs: 448 },
  A2000: { bf16DenseTflops: 32, memoryBandwidthGbs: 288 },
};
