// The checked-in GPU table: what a user may write in `allowed_hardware`, what RunPod calls it,
// how much memory it has and what it costs when the live catalog cannot be read.
//
// Short names, RunPod ids, verified flags and fallback prices are the original OpenWeights'
// (`start_runpod.py` GPUs / VERIFIED_GPUs / GPU_COST_PER_HOUR, v0.11): users' existing
// `allowed_hardware` strings keep working. Memory is RunPod's `memoryInGb` for that id.
// Prices are indicative USD per GPU-hour; `mergeRunpodCatalog` replaces them with live prices.

export interface GpuTypeSpec {
  /** Canonical short name, as written in hardware strings: "1x H100S". */
  readonly short: string;
  /** RunPod `gpuTypeId` (REST v1 `gpuTypeIds`, v2 `gpu.id`, GraphQL `gpuTypeId`). */
  readonly runpodId: string;
  /** Memory per GPU as RunPod reports it (GB). */
  readonly memoryGb: number;
  /** Fallback price, USD per GPU-hour. */
  readonly pricePerGpuHour: number;
  /**
   * Whether the scaler may pick this GPU on its own. Unverified GPUs are only used when a job
   * names them in `allowed_hardware`. The original's reasons: L40 pods vanish before the worker
   * starts on CUDA 12.8 images; B200 fails with xformers kernel errors; RTX 4090/2000Ada crash
   * with vram=0 (its PR #60).
   */
  readonly verified: boolean;
  /** Most GPUs of this type one pod may have. */
  readonly maxCount: number;
  /** Other spellings users write ("4090" for "RTX4090"); matched case-insensitively. */
  readonly aliases?: readonly string[];
}

export const GPU_TYPES: readonly GpuTypeSpec[] = [
  {
    short: "H200",
    runpodId: "NVIDIA H200",
    memoryGb: 141,
    pricePerGpuHour: 3.59,
    verified: true,
    maxCount: 8,
  },
  {
    short: "B200",
    runpodId: "NVIDIA B200",
    memoryGb: 180,
    pricePerGpuHour: 4.99,
    verified: false,
    maxCount: 8,
  },
  {
    short: "H100S",
    runpodId: "NVIDIA H100 80GB HBM3",
    memoryGb: 80,
    pricePerGpuHour: 2.69,
    verified: true,
    maxCount: 8,
    aliases: ["H100", "H100SXM"],
  },
  {
    short: "H100N",
    runpodId: "NVIDIA H100 NVL",
    memoryGb: 94,
    pricePerGpuHour: 3.07,
    verified: true,
    maxCount: 8,
    aliases: ["H100NVL"],
  },
  {
    short: "A100",
    runpodId: "NVIDIA A100 80GB PCIe",
    memoryGb: 80,
    pricePerGpuHour: 1.39,
    verified: true,
    maxCount: 8,
    aliases: ["A100PCIe"],
  },
  {
    short: "A100S",
    runpodId: "NVIDIA A100-SXM4-80GB",
    memoryGb: 80,
    pricePerGpuHour: 1.49,
    verified: true,
    maxCount: 8,
    aliases: ["A100SXM"],
  },
  {
    short: "MI300X",
    runpodId: "AMD Instinct MI300X OAM",
    memoryGb: 192,
    pricePerGpuHour: 3.99,
    verified: false,
    maxCount: 8,
  },
  {
    short: "L40S",
    runpodId: "NVIDIA L40S",
    memoryGb: 48,
    pricePerGpuHour: 0.86,
    verified: false,
    maxCount: 8,
  },
  { short: "L40", runpodId: "NVIDIA L40", memoryGb: 48, pricePerGpuHour: 0.99, verified: false, maxCount: 8 },
  {
    short: "6000Ada",
    runpodId: "NVIDIA RTX 6000 Ada Generation",
    memoryGb: 48,
    pricePerGpuHour: 0.77,
    verified: true,
    maxCount: 8,
    aliases: ["RTX6000Ada"],
  },
  {
    short: "A6000",
    runpodId: "NVIDIA RTX A6000",
    memoryGb: 48,
    pricePerGpuHour: 0.49,
    verified: false,
    maxCount: 8,
    aliases: ["RTXA6000"],
  },
  { short: "A40", runpodId: "NVIDIA A40", memoryGb: 48, pricePerGpuHour: 0.44, verified: true, maxCount: 8 },
  { short: "A30", runpodId: "NVIDIA A30", memoryGb: 24, pricePerGpuHour: 1.05, verified: false, maxCount: 8 },
  {
    short: "A5000_ADA",
    runpodId: "NVIDIA RTX 5000 Ada Generation",
    memoryGb: 32,
    pricePerGpuHour: 1.02,
    verified: false,
    maxCount: 8,
    aliases: ["5000Ada"],
  },
  {
    short: "RTX4090",
    runpodId: "NVIDIA GeForce RTX 4090",
    memoryGb: 24,
    pricePerGpuHour: 0.69,
    verified: false,
    maxCount: 8,
    aliases: ["4090"],
  },
  {
    short: "RTX3090",
    runpodId: "NVIDIA GeForce RTX 3090",
    memoryGb: 24,
    pricePerGpuHour: 0.46,
    verified: true,
    maxCount: 8,
    aliases: ["3090"],
  },
  {
    short: "RTX3090Ti",
    runpodId: "NVIDIA GeForce RTX 3090 Ti",
    memoryGb: 24,
    pricePerGpuHour: 0.51,
    verified: false,
    maxCount: 8,
    aliases: ["3090Ti"],
  },
  { short: "L4", runpodId: "NVIDIA L4", memoryGb: 24, pricePerGpuHour: 0.39, verified: false, maxCount: 8 },
  {
    short: "A5000",
    runpodId: "NVIDIA RTX A5000",
    memoryGb: 24,
    pricePerGpuHour: 0.27,
    verified: false,
    maxCount: 8,
  },
  {
    short: "A4500",
    runpodId: "NVIDIA RTX A4500",
    memoryGb: 20,
    pricePerGpuHour: 0.32,
    verified: true,
    maxCount: 8,
  },
  {
    short: "4000Ada",
    runpodId: "NVIDIA RTX 4000 Ada Generation",
    memoryGb: 20,
    pricePerGpuHour: 0.48,
    verified: false,
    maxCount: 8,
  },
  {
    short: "A4000_SFF",
    runpodId: "NVIDIA RTX 4000 SFF Ada Generation",
    memoryGb: 20,
    pricePerGpuHour: 0.36,
    verified: false,
    maxCount: 8,
  },
  {
    short: "RTX4080",
    runpodId: "NVIDIA GeForce RTX 4080",
    memoryGb: 16,
    pricePerGpuHour: 0.59,
    verified: false,
    maxCount: 8,
    aliases: ["4080"],
  },
  {
    short: "2000Ada",
    runpodId: "NVIDIA RTX 2000 Ada Generation",
    memoryGb: 16,
    pricePerGpuHour: 0.29,
    verified: false,
    maxCount: 8,
  },
  {
    short: "A4000",
    runpodId: "NVIDIA RTX A4000",
    memoryGb: 16,
    pricePerGpuHour: 0.28,
    verified: false,
    maxCount: 8,
  },
  {
    short: "RTX4070Ti",
    runpodId: "NVIDIA GeForce RTX 4070 Ti",
    memoryGb: 12,
    pricePerGpuHour: 0.39,
    verified: false,
    maxCount: 8,
    aliases: ["4070Ti"],
  },
  {
    short: "RTX3080Ti",
    runpodId: "NVIDIA GeForce RTX 3080 Ti",
    memoryGb: 12,
    pricePerGpuHour: 0.41,
    verified: false,
    maxCount: 8,
    aliases: ["3080Ti"],
  },
  {
    short: "RTX3080",
    runpodId: "NVIDIA GeForce RTX 3080",
    memoryGb: 10,
    pricePerGpuHour: 0.36,
    verified: false,
    maxCount: 8,
    aliases: ["3080"],
  },
  {
    short: "RTX3070",
    runpodId: "NVIDIA GeForce RTX 3070",
    memoryGb: 8,
    pricePerGpuHour: 0.3,
    verified: false,
    maxCount: 8,
    aliases: ["3070"],
  },
  {
    short: "A2000",
    runpodId: "NVIDIA RTX A2000",
    memoryGb: 6,
    pricePerGpuHour: 0.2,
    verified: false,
    maxCount: 8,
  },
];

/**
 * GB of a GPU's memory the scaler counts as usable by a job: RunPod's figure minus 5 GB, as the
 * original does ("there is often actually less vram available than according to runpod": the
 * CUDA context, and GB vs GiB — an 80 GB card reports 79 GiB to torch).
 */
export const VRAM_HEADROOM_GB = 5;

/** GPU counts a pod may have; RunPod sells 1, 2, 4 and 8 (and 3/5/6/7 on some hosts we ignore). */
export const GPU_COUNTS: readonly number[] = [1, 2, 4, 8];
