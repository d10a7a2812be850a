// What a pod needs besides its GPU: disk, a volume for the model cache, the serving port, and a
// CUDA floor its image can run on. Pure: the scaler computes it from the jobs a pod is created
// for; the provider translates it into its own API (RunPod v2: disk, mounts.persistent, ports,
// gpu.minCudaVersion).
import { PodStorageOverride } from "../contract/jobs.ts";
import { SERVING_PORT } from "./public-url.ts";

/** Where the pod volume is mounted; the worker keeps the Hugging Face cache under it. */
export const VOLUME_MOUNT_PATH = "/workspace";

export interface PodLayout {
  /** Ephemeral container disk (image layers unpacked + job working dirs), GB. */
  containerDiskGb: number;
  /** Pod volume at `volumeMountPath`, GB: model downloads, checkpoints, merged weights. */
  volumeGb: number;
  volumeMountPath: string;
  /** Exposed `port/protocol` entries. */
  ports: string[];
  /** Lowest host CUDA version the image needs (`major.minor`), or null when unknown. */
  minCudaVersion: string | null;
}

export type JobFamily = "training" | "serving" | "custom";

export interface StorageDefaults {
  containerDiskGb: number;
  volumeGb: number;
}

// Sized for the models users fine-tune here. A 32B model is ~65 GB in bf16 and a merged copy as
// much again, a 70B model in 4-bit ~40 GB: 250 GB of volume holds either with its checkpoints.
// Inference, serving and evals download one model (no checkpoints): 150 GB. A custom job gets
// RunPod's own defaults (50 GB disk, 20 GB volume). RunPod's floor for a volume is 10 GB.
export const DEFAULT_STORAGE: Record<JobFamily, StorageDefaults> = {
  training: { containerDiskGb: 80, volumeGb: 250 },
  serving: { containerDiskGb: 50, volumeGb: 150 },
  custom: { containerDiskGb: 50, volumeGb: 20 },
};

const FAMILY_OF_TYPE: Record<string, JobFamily> = {
  "fine-tuning": "training",
  "weighted-sft": "training",
  logprob: "training",
  inference: "serving",
  api: "serving",
  "inspect-ai": "serving",
  "mmlu-pro": "serving",
};

export function jobFamily(type: string): JobFamily {
  return FAMILY_OF_TYPE[type] ?? "custom";
}

/** The job fields the layout depends on. */
export interface LayoutJob {
  type: string;
  params: Record<string, unknown>;
}

/**
 * A job may ask for more (or less) storage than its family's default with `params.ow_pod`
 * (contract: PodStorageOverride, checked at submission). A stored value that does not parse is
 * ignored in favour of the default: the pod must still be creatable.
 */
function storageOverride(params: Record<string, unknown>): Partial<StorageDefaults> {
  const parsed = PodStorageOverride.safeParse(params.ow_pod);
  if (!parsed.success) return {};
  const out: Partial<StorageDefaults> = {};
  if (parsed.data.container_disk_gb !== undefined) out.containerDiskGb = parsed.data.container_disk_gb;
  if (parsed.data.volume_gb !== undefined) out.volumeGb = parsed.data.volume_gb;
  return out;
}

/**
 * The layout for a pod meant for these jobs (the largest need wins: the pod may claim any of
 * them). SERVING_PORT (8000) is always exposed as http — a worker can claim a serving job of its image later.
 */
export function podLayout(
  jobs: readonly LayoutJob[],
  image: string,
  defaults: Record<JobFamily, StorageDefaults> = DEFAULT_STORAGE,
): PodLayout {
  let containerDiskGb = 0;
  let volumeGb = 0;
  for (const job of jobs.length > 0 ? jobs : [{ type: "custom", params: {} }]) {
    const storage = { ...defaults[jobFamily(job.type)], ...storageOverride(job.params) };
    containerDiskGb = Math.max(containerDiskGb, storage.containerDiskGb);
    volumeGb = Math.max(volumeGb, storage.volumeGb);
  }
  return {
    containerDiskGb,
    volumeGb,
    volumeMountPath: VOLUME_MOUNT_PATH,
    ports: [`${SERVING_PORT}/http`],
    minCudaVersion: imageCudaVersion(image),
  };
}

/**
 * The CUDA version an image was built for, read from its tag the way the common images spell
 * it: `pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime`, `runpod/pytorch:1.0.2-cu1281-torch280-…`,
 * `nvidia/cuda:12.8.1-runtime-ubuntu24.04`, `…-cu124`. The host's driver must support at least
 * that version, so it becomes RunPod's `gpu.minCudaVersion`. Null when the tag does not say.
 */
export function imageCudaVersion(image: string): string | null {
  const tag = image.includes(":") ? (image.split(":").at(-1) ?? "") : "";
  const dotted =
    /(?:^|[-_])cuda-?(\d{2})\.(\d)/i.exec(tag) ??
    /^(\d{2})\.(\d)\.\d+-/.exec(image.startsWith("nvidia/cuda:") ? tag : "");
  if (dotted) return `${Number(dotted[1])}.${Number(dotted[2])}`;
  // cu124 = 12.4, cu1281 = 12.8(.1), cu118 = 11.8: two digits of major, then the minor digit.
  const packed = /(?:^|[-_])cu(\d{2})(\d)\d?(?=$|[-_.])/i.exec(tag);
  if (packed) return `${Number(packed[1])}.${Number(packed[2])}`;
  return null;
}
