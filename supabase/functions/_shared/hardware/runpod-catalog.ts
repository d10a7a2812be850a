// Merge RunPod's live GPU catalog (REST v2 `GET /v2/catalog/gpus`) into the checked-in table.
// Documented item shape: `{ id, name, manufacturer, memory (GB), secure, community,
// price: { secure, community, serverless } (USD per GPU-hour), maxCount: { secure, community },
// availability?, ... }`; the list arrives bare or wrapped (`{ gpus: [...] }`). Only GPU types we
// already know (matched by RunPod id) are updated: a new id has no short name users could write,
// no verified flag and no place in our tests. Fields that are missing, zero or malformed keep the
// fallback value, so a partial or odd response can degrade prices but never break the scaler.
import { z } from "zod";
import { buildCatalog, type HardwareCatalog } from "./catalog.ts";
import { GPU_TYPES, type GpuTypeSpec } from "./gpu-types.ts";

const PositiveNumber = z.number().finite().positive();
const PerCloud = z.object({ secure: z.unknown().optional(), community: z.unknown().optional() }).loose();

const RunpodCatalogGpu = z
  .object({
    id: z.string(),
    memory: z.unknown().optional(),
    price: PerCloud.optional(),
    maxCount: z.union([PerCloud, z.number()]).optional(),
  })
  .loose();
type RunpodCatalogGpu = z.infer<typeof RunpodCatalogGpu>;

/** Which RunPod price to use: SECURE cloud (our pods' default), COMMUNITY, or the lower of both. */
export type RunpodCloud = "secure" | "community" | "lowest";

function positive(value: unknown): number | undefined {
  const parsed = PositiveNumber.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function pick(perCloud: z.infer<typeof PerCloud> | undefined, cloud: RunpodCloud): number | undefined {
  if (!perCloud) return undefined;
  const secure = positive(perCloud.secure);
  const community = positive(perCloud.community);
  if (cloud === "secure") return secure;
  if (cloud === "community") return community;
  if (secure === undefined) return community;
  return community === undefined ? secure : Math.min(secure, community);
}

function listOf(response: unknown): unknown[] {
  if (Array.isArray(response)) return response;
  if (response && typeof response === "object") {
    const wrapped =
      (response as { gpus?: unknown; data?: unknown }).gpus ?? (response as { data?: unknown }).data;
    if (Array.isArray(wrapped)) return wrapped;
  }
  return [];
}

function mergeOne(spec: GpuTypeSpec, live: RunpodCatalogGpu, cloud: RunpodCloud): GpuTypeSpec {
  const memoryGb = positive(live.memory) ?? spec.memoryGb;
  const pricePerGpuHour = pick(live.price, cloud) ?? spec.pricePerGpuHour;
  const liveMax = typeof live.maxCount === "number" ? positive(live.maxCount) : pick(live.maxCount, cloud);
  const maxCount = liveMax === undefined ? spec.maxCount : Math.max(1, Math.floor(liveMax));
  return { ...spec, memoryGb, pricePerGpuHour, maxCount };
}

/**
 * A catalog whose memory, price and max count come from RunPod where the response has them and
 * from `base` elsewhere. Never throws on a malformed response; items that do not parse are skipped.
 */
export function mergeRunpodCatalog(
  response: unknown,
  options: { cloud?: RunpodCloud; base?: readonly GpuTypeSpec[] } = {},
): HardwareCatalog {
  const cloud = options.cloud ?? "secure";
  const live = new Map<string, RunpodCatalogGpu>();
  for (const item of listOf(response)) {
    const parsed = RunpodCatalogGpu.safeParse(item);
    if (parsed.success) live.set(parsed.data.id, parsed.data);
  }
  const specs = (options.base ?? GPU_TYPES).map((spec) => {
    const match = live.get(spec.runpodId);
    return match ? mergeOne(spec, match, cloud) : spec;
  });
  return buildCatalog(specs);
}
