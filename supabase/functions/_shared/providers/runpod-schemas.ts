// RunPod REST v2 response shapes we read (api-reference-v2/openapi.json: Pod, ListPodsResponse,
// GpuType, ListGpuTypesResponse). Loose on purpose: RunPod adds fields and enum values during the v2
// beta, and an unknown field must not break the scaler. Only what we use is required.
import { z } from "zod";

export const RunPodPodStatus = z.enum([
  "PROVISIONING",
  "STARTING",
  "RUNNING",
  "EXITED",
  "ERROR",
  "TERMINATED",
]);
export type RunPodPodStatus = z.infer<typeof RunPodPodStatus>;

export const RunPodPod = z.looseObject({
  id: z.string().min(1),
  name: z.string().catch(""),
  // Kept as a string: an unknown future status is mapped, not rejected.
  status: z.string(),
  image: z.string().nullish(),
  env: z.record(z.string(), z.string()).nullish().catch(null),
  gpu: z.looseObject({ id: z.string(), count: z.number().int().catch(1) }).nullish(),
  cpu: z.looseObject({ id: z.string(), vcpuCount: z.number().int().nullish() }).nullish(),
  cloud: z.string().nullish(),
  cost: z.number().nullish().catch(null),
  createdAt: z.string().nullish(),
});
export type RunPodPod = z.infer<typeof RunPodPod>;

export const RunPodListPodsResponse = z.looseObject({ pods: z.array(RunPodPod) });
export type RunPodListPodsResponse = z.infer<typeof RunPodListPodsResponse>;

export const RunPodGpuPrice = z.looseObject({
  secure: z.number().nullish(),
  community: z.number().nullish(),
});

/** One catalog entry; prices are USD per GPU per hour. */
export const RunPodGpuType = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  manufacturer: z.string().nullish(),
  /** VRAM in GB. */
  memory: z.number(),
  secure: z.boolean().nullish(),
  community: z.boolean().nullish(),
  price: RunPodGpuPrice,
  maxCount: z.looseObject({ secure: z.number().nullish(), community: z.number().nullish() }).nullish(),
  /** NONE | LOW | MEDIUM | HIGH, only with include=AVAILABILITY. */
  availability: z.string().nullish(),
});
export type RunPodGpuType = z.infer<typeof RunPodGpuType>;

export const RunPodListGpuTypesResponse = z.looseObject({ gpus: z.array(RunPodGpuType) });
export type RunPodListGpuTypesResponse = z.infer<typeof RunPodListGpuTypesResponse>;
