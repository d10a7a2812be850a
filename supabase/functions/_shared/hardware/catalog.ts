// The hardware catalog: GPU types with usable VRAM and price, and every pod configuration
// (1×/2×/4×/8× of a type) the scaler can rent, cheapest first. A catalog is an immutable value
// built from a GPU table (the checked-in fallback, optionally merged with RunPod's live
// `GET /v2/catalog/gpus`), so the scaling policy stays pure: it receives the catalog as input.
import { GPU_COUNTS, GPU_TYPES, type GpuTypeSpec, VRAM_HEADROOM_GB } from "./gpu-types.ts";

export type { GpuTypeSpec };

export interface GpuType extends GpuTypeSpec {
  /** VRAM per GPU a job may count on: `memoryGb − VRAM_HEADROOM_GB`. */
  readonly usableVramGb: number;
}

/** One rentable pod shape: `count` GPUs of type `gpu`. */
export interface HardwareConfig {
  /** Canonical short name of the GPU type ("H100S"). */
  readonly gpu: string;
  readonly count: number;
  /** The hardware string users and workers use: "2x H100S". */
  readonly hardwareType: string;
  readonly runpodGpuTypeId: string;
  /** Usable VRAM of the whole pod (count × per-GPU usable VRAM), GB. */
  readonly vramGb: number;
  /** USD per hour for the whole pod (count × per-GPU price). */
  readonly costPerHour: number;
  readonly verified: boolean;
}

export interface HardwareCatalog {
  readonly gpus: readonly GpuType[];
  /** Lower-cased short names, aliases and RunPod ids → GPU type. */
  readonly byName: ReadonlyMap<string, GpuType>;
  /** Every configuration of every GPU type, cheapest first (see `compareConfigs`). */
  readonly configs: readonly HardwareConfig[];
  /** The configurations the scaler may choose on its own (verified GPUs only), cheapest first. */
  readonly autoConfigs: readonly HardwareConfig[];
}

/**
 * Order of preference between configurations that fit: cheaper first; at equal price fewer GPUs
 * (one card avoids model-parallel overhead), then more VRAM, then the name, so the order is total
 * and the policy deterministic.
 */
export function compareConfigs(a: HardwareConfig, b: HardwareConfig): number {
  return (
    a.costPerHour - b.costPerHour ||
    a.count - b.count ||
    b.vramGb - a.vramGb ||
    (a.gpu < b.gpu ? -1 : a.gpu > b.gpu ? 1 : 0)
  );
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function makeConfig(gpu: GpuType, count: number): HardwareConfig {
  return {
    gpu: gpu.short,
    count,
    hardwareType: `${count}x ${gpu.short}`,
    runpodGpuTypeId: gpu.runpodId,
    vramGb: gpu.usableVramGb * count,
    costPerHour: roundUsd(gpu.pricePerGpuHour * count),
    verified: gpu.verified,
  };
}

function nameKeys(spec: GpuTypeSpec): string[] {
  return [spec.short, spec.runpodId, ...(spec.aliases ?? [])].map((name) => name.toLowerCase());
}

/** Builds a catalog from a GPU table; throws if two GPU types claim the same name. */
export function buildCatalog(specs: readonly GpuTypeSpec[] = GPU_TYPES): HardwareCatalog {
  const gpus: GpuType[] = specs.map((spec) => ({
    ...spec,
    usableVramGb: Math.max(0, spec.memoryGb - VRAM_HEADROOM_GB),
  }));
  const byName = new Map<string, GpuType>();
  for (const gpu of gpus) {
    for (const key of nameKeys(gpu)) {
      const other = byName.get(key);
      if (other && other !== gpu)
        throw new Error(`GPU name "${key}" used by both ${other.short} and ${gpu.short}`);
      byName.set(key, gpu);
    }
  }
  const configs: HardwareConfig[] = [];
  for (const gpu of gpus) {
    for (const count of GPU_COUNTS) {
      if (count <= gpu.maxCount) configs.push(makeConfig(gpu, count));
    }
  }
  configs.sort(compareConfigs);
  return { gpus, byName, configs, autoConfigs: configs.filter((config) => config.verified) };
}

/** The checked-in fallback catalog. */
export const defaultCatalog: HardwareCatalog = buildCatalog();

/** A GPU type by short name, alias or RunPod id (case-insensitive). */
export function findGpu(catalog: HardwareCatalog, name: string): GpuType | undefined {
  return catalog.byName.get(name.trim().toLowerCase());
}

/** The configuration `count × gpu`, or undefined if the GPU is unknown or the count too large. */
export function findConfig(
  catalog: HardwareCatalog,
  gpuName: string,
  count: number,
): HardwareConfig | undefined {
  const gpu = findGpu(catalog, gpuName);
  if (!gpu || !Number.isInteger(count) || count < 1 || count > gpu.maxCount) return undefined;
  return makeConfig(gpu, count);
}

/** Every configuration (1×/2×/4×/8× up to the type's max) of one GPU type, fewest GPUs first. */
export function configsOf(catalog: HardwareCatalog, gpuName: string): HardwareConfig[] {
  const gpu = findGpu(catalog, gpuName);
  if (!gpu) return [];
  return GPU_COUNTS.filter((count) => count <= gpu.maxCount).map((count) => makeConfig(gpu, count));
}
