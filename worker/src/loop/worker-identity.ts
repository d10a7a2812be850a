import type { RegisterWorkerRequest } from "@contract";
import type { HardwareSummary } from "../gpu/nvidia-smi-parser.ts";

/** What the worker tells the server about itself when it registers. */
export interface WorkerIdentity {
  image: string;
  provider: "runpod" | "local";
  podId: string | null;
  hardware: HardwareSummary;
  cachedModels: string[];
  version: string;
}

export const CPU_ONLY: HardwareSummary = { gpuCount: 0, gpuType: null, hardwareType: null, vramGb: 0 };

export function registerRequest(identity: WorkerIdentity): RegisterWorkerRequest {
  return {
    image: identity.image,
    provider: identity.provider,
    pod_id: identity.podId,
    hardware_type: identity.hardware.hardwareType,
    gpu_type: identity.hardware.gpuType,
    gpu_count: identity.hardware.gpuCount,
    vram_gb: identity.hardware.vramGb,
    cached_models: identity.cachedModels.slice(0, 200),
    version: identity.version,
  };
}
