import { describe, expect, it } from "vitest";
import { buildCatalog, configsOf, defaultCatalog, findConfig, findGpu } from "./catalog.ts";
import { GPU_TYPES, VRAM_HEADROOM_GB } from "./gpu-types.ts";
import { mergeRunpodCatalog } from "./runpod-catalog.ts";

describe("the checked-in catalog", () => {
  it("knows the original's short names with their RunPod ids", () => {
    expect(findGpu(defaultCatalog, "H100S")?.runpodId).toBe("NVIDIA H100 80GB HBM3");
    expect(findGpu(defaultCatalog, "H100N")?.runpodId).toBe("NVIDIA H100 NVL");
    expect(findGpu(defaultCatalog, "H200")?.runpodId).toBe("NVIDIA H200");
    expect(findGpu(defaultCatalog, "A100")?.runpodId).toBe("NVIDIA A100 80GB PCIe");
    expect(findGpu(defaultCatalog, "A100S")?.runpodId).toBe("NVIDIA A100-SXM4-80GB");
    expect(findGpu(defaultCatalog, "L40S")?.runpodId).toBe("NVIDIA L40S");
    expect(findGpu(defaultCatalog, "A6000")?.runpodId).toBe("NVIDIA RTX A6000");
    expect(findGpu(defaultCatalog, "6000Ada")?.runpodId).toBe("NVIDIA RTX 6000 Ada Generation");
    expect(findGpu(defaultCatalog, "B200")?.runpodId).toBe("NVIDIA B200");
  });

  it("has the original's 30 GPU types, each name unique", () => {
    expect(GPU_TYPES).toHaveLength(30);
    expect(new Set(GPU_TYPES.map((g) => g.runpodId)).size).toBe(30);
    expect(new Set(GPU_TYPES.map((g) => g.short)).size).toBe(30);
  });

  it("finds GPUs by alias, RunPod id and any case", () => {
    expect(findGpu(defaultCatalog, "4090")?.short).toBe("RTX4090");
    expect(findGpu(defaultCatalog, "nvidia geforce rtx 4090")?.short).toBe("RTX4090");
    expect(findGpu(defaultCatalog, " h100s ")?.short).toBe("H100S");
    expect(findGpu(defaultCatalog, "TPUv5")).toBeUndefined();
  });

  it("marks only the original's verified GPUs as auto-selectable", () => {
    const verified = GPU_TYPES.filter((g) => g.verified)
      .map((g) => g.short)
      .sort();
    expect(verified).toEqual([
      "6000Ada",
      "A100",
      "A100S",
      "A40",
      "A4500",
      "H100N",
      "H100S",
      "H200",
      "RTX3090",
    ]);
    expect(defaultCatalog.autoConfigs.every((c) => c.verified)).toBe(true);
  });

  it("counts memory minus 5 GB as usable VRAM, multiplied by the GPU count", () => {
    const h200 = findGpu(defaultCatalog, "H200");
    expect(h200?.usableVramGb).toBe(141 - VRAM_HEADROOM_GB);
    expect(findConfig(defaultCatalog, "H100S", 4)).toMatchObject({
      hardwareType: "4x H100S",
      vramGb: 4 * 75,
      costPerHour: 4 * 2.69,
      runpodGpuTypeId: "NVIDIA H100 80GB HBM3",
    });
  });

  it("offers 1x, 2x, 4x and 8x of each type and nothing beyond its max count", () => {
    expect(configsOf(defaultCatalog, "A40").map((c) => c.count)).toEqual([1, 2, 4, 8]);
    expect(findConfig(defaultCatalog, "A40", 16)).toBeUndefined();
    expect(findConfig(defaultCatalog, "A40", 0)).toBeUndefined();
    const small = buildCatalog([{ ...(GPU_TYPES[0] as (typeof GPU_TYPES)[number]), maxCount: 2 }]);
    expect(small.configs.map((c) => c.count)).toEqual([1, 2]);
  });

  it("sorts configurations cheapest first, fewer GPUs first at equal price", () => {
    const prices = defaultCatalog.configs.map((c) => c.costPerHour);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const tie = buildCatalog([
      { short: "X", runpodId: "x", memoryGb: 40, pricePerGpuHour: 1, verified: true, maxCount: 2 },
      { short: "Y", runpodId: "y", memoryGb: 80, pricePerGpuHour: 2, verified: true, maxCount: 1 },
    ]);
    expect(tie.configs.map((c) => c.hardwareType)).toEqual(["1x X", "1x Y", "2x X"]);
  });

  it("refuses a table in which two GPU types share a name", () => {
    const a = { short: "X", runpodId: "x", memoryGb: 40, pricePerGpuHour: 1, verified: true, maxCount: 1 };
    expect(() => buildCatalog([a, { ...a, runpodId: "other" }])).toThrow(/used by both/);
  });
});

describe("merging RunPod's GET /v2/catalog/gpus", () => {
  const response = {
    gpus: [
      {
        id: "NVIDIA H100 80GB HBM3",
        name: "H100 SXM",
        manufacturer: "Nvidia",
        memory: 80,
        secure: true,
        community: true,
        price: { secure: 2.99, community: 2.39, serverless: 4.1 },
        maxCount: { secure: 8, community: 4 },
        availability: "HIGH",
      },
      { id: "NVIDIA A40", memory: 48, price: { secure: 0.4 } },
      { id: "NVIDIA Brand New GPU", memory: 999, price: { secure: 0.01 } },
      { id: "NVIDIA H200", memory: "lots", price: { secure: -1 } },
      { name: "no id" },
    ],
  };

  it("takes secure prices by default and keeps the fallback where RunPod says nothing usable", () => {
    const catalog = mergeRunpodCatalog(response);
    expect(findGpu(catalog, "H100S")?.pricePerGpuHour).toBe(2.99);
    expect(findGpu(catalog, "A40")?.pricePerGpuHour).toBe(0.4);
    expect(findGpu(catalog, "H200")).toMatchObject({ pricePerGpuHour: 3.59, memoryGb: 141 });
    expect(findGpu(catalog, "A100")?.pricePerGpuHour).toBe(1.39);
    expect(findConfig(catalog, "A40", 2)?.costPerHour).toBe(0.8);
  });

  it("can use community or the lowest price, and the chosen cloud's max count", () => {
    expect(findGpu(mergeRunpodCatalog(response, { cloud: "community" }), "H100S")).toMatchObject({
      pricePerGpuHour: 2.39,
      maxCount: 4,
    });
    expect(findGpu(mergeRunpodCatalog(response, { cloud: "lowest" }), "H100S")?.pricePerGpuHour).toBe(2.39);
    expect(findGpu(mergeRunpodCatalog(response, { cloud: "community" }), "A40")?.pricePerGpuHour).toBe(0.44);
  });

  it("ignores GPU ids it has no short name for", () => {
    const catalog = mergeRunpodCatalog(response);
    expect(catalog.gpus).toHaveLength(GPU_TYPES.length);
    expect(findGpu(catalog, "NVIDIA Brand New GPU")).toBeUndefined();
  });

  it("accepts a bare list and survives garbage", () => {
    expect(
      findGpu(mergeRunpodCatalog([{ id: "NVIDIA A40", price: { secure: 0.5 } }]), "A40")?.pricePerGpuHour,
    ).toBe(0.5);
    for (const garbage of [null, 42, "x", { gpus: "no" }, [null, 1]]) {
      expect(mergeRunpodCatalog(garbage).configs).toEqual(defaultCatalog.configs);
    }
  });
});
