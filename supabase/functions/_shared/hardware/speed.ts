// How fast a job runs on a pod, relative to one reference GPU, from published spec sheets
// (gpu-performance.ts). A roofline split: on the reference GPU a share `c` of the job's time is
// bound by tensor throughput and `1 − c` by memory bandwidth, so on another GPU it takes
//   c · refTflops / tflops + (1 − c) · refBandwidth / bandwidth   of the reference time.
// Training (large matmuls, long sequences) is mostly compute-bound; LLM inference (token-by-token
// decoding) is mostly bandwidth-bound. A pod of n GPUs runs n times faster times an efficiency
// per doubling (data/tensor-parallel communication), so splitting a job over more, smaller cards
// is never free. The scaling policy and the simulator both read this model, each with its own
// parameters (the simulator's world may disagree with what the policy believes).
import { GPU_PERFORMANCE, type GpuPerformance } from "./gpu-performance.ts";

export type Workload = "training" | "inference";

export interface SpeedModel {
  /** Catalog short name of the GPU whose single card has speed 1. */
  readonly referenceGpu: string;
  /** Share of a job's time on the reference GPU bound by tensor throughput, per workload. */
  readonly computeShare: Readonly<Record<Workload, number>>;
  /** Throughput kept per doubling of the GPUs in one pod (1 = perfect scaling). */
  readonly multiGpuEfficiency: number;
  /** Whether speeds differ at all; false makes every pod that fits as fast as the reference (ablation). */
  readonly enabled: boolean;
}

/**
 * Reference: one A100 SXM 80GB. Compute shares: 0.75 for training (LoRA/full fine-tunes spend
 * most time in matmuls; optimizer steps and activations are bandwidth-bound), 0.3 for inference
 * (decode reads every weight per token; prefill is compute-bound). 0.85 per doubling is between
 * data-parallel scaling on NVLink (≈ 0.9–0.95) and PCIe tensor-parallel (≈ 0.7–0.8).
 */
export const DEFAULT_SPEED_MODEL: SpeedModel = {
  referenceGpu: "A100S",
  computeShare: { training: 0.75, inference: 0.3 },
  multiGpuEfficiency: 0.85,
  enabled: true,
};

function performance(gpu: string): GpuPerformance | undefined {
  return GPU_PERFORMANCE[gpu];
}

/** Speed of one card of `gpu` relative to one reference card; unknown GPUs count as the reference. */
export function gpuSpeed(gpu: string, workload: Workload, model: SpeedModel = DEFAULT_SPEED_MODEL): number {
  const perf = performance(gpu);
  const ref = performance(model.referenceGpu);
  if (!model.enabled || !perf || !ref) return 1;
  const c = Math.min(1, Math.max(0, model.computeShare[workload]));
  return (
    1 /
    ((c * ref.bf16DenseTflops) / perf.bf16DenseTflops +
      ((1 - c) * ref.memoryBandwidthGbs) / perf.memoryBandwidthGbs)
  );
}

/** Speed of a pod of `count` cards of `gpu` relative to one reference card. */
export function podSpeed(
  gpu: string,
  count: number,
  workload: Workload,
  model: SpeedModel = DEFAULT_SPEED_MODEL,
): number {
  if (!model.enabled) return 1; // the old world: any pod that fits runs a job equally fast
  const n = Math.max(1, count);
  return gpuSpeed(gpu, workload, model) * n * model.multiGpuEfficiency ** Math.log2(n);
}

/**
 * Speed of the pod a job's reference duration is measured on: the fewest reference cards (1, 2,
 * 4, 8) whose usable VRAM holds the job. A trace's `duration` is the wall time there.
 */
export function referencePodSpeed(
  vramGb: number,
  referenceUsableVramGb: number,
  workload: Workload,
  model: SpeedModel = DEFAULT_SPEED_MODEL,
): number {
  let count = 1;
  while (count < 8 && count * referenceUsableVramGb < vramGb) count *= 2;
  return podSpeed(model.referenceGpu, count, workload, model);
}

/**
 * Job kind from the job's `type`: evaluation, inference, serving and API deployments run
 * inference; anything else (fine-tuning, custom) is treated as training.
 */
export function workloadOf(jobType: string | null | undefined): Workload {
  return jobType && /infer|eval|serv|deploy|api|vllm|generat/i.test(jobType) ? "inference" : "training";
}
