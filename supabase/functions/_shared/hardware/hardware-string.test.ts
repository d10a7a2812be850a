import { describe, expect, it } from "vitest";
import { defaultCatalog } from "./catalog.ts";
import { GPU_TYPES } from "./gpu-types.ts";
import {
  canonicalHardware,
  formatHardware,
  HardwareStringError,
  isKnownHardware,
  parseHardware,
  tryParseHardware,
} from "./hardware-string.ts";

function errorCode(input: string): string | undefined {
  try {
    parseHardware(input);
    return undefined;
  } catch (error) {
    return error instanceof HardwareStringError ? error.code : "other";
  }
}

describe("hardware strings", () => {
  it("parses '<count>x <gpu>' into the canonical short name and count", () => {
    expect(parseHardware("2x H100S")).toEqual({ gpu: "H100S", count: 2, hardwareType: "2x H100S" });
    expect(parseHardware("1x 4090")).toEqual({ gpu: "RTX4090", count: 1, hardwareType: "1x RTX4090" });
    expect(parseHardware(" 8X  a100s ").hardwareType).toBe("8x A100S");
    expect(parseHardware("4×H200").hardwareType).toBe("4x H200");
    expect(parseHardware("1x NVIDIA H100 80GB HBM3").hardwareType).toBe("1x H100S");
  });

  it("round-trips every GPU type at every count it allows", () => {
    for (const gpu of GPU_TYPES) {
      for (const count of [1, 2, 4, 8]) {
        const text = formatHardware({ gpu: gpu.short, count });
        expect(parseHardware(text)).toEqual({ gpu: gpu.short, count, hardwareType: text });
      }
    }
  });

  it("formats known GPUs canonically and keeps unknown names", () => {
    expect(formatHardware({ gpu: "4090", count: 2 })).toBe("2x RTX4090");
    expect(formatHardware({ gpu: "Mystery GPU", count: 1 })).toBe("1x Mystery GPU");
    expect(() => formatHardware({ gpu: "H200", count: 0 })).toThrow(HardwareStringError);
  });

  it("rejects bad strings with a typed error code", () => {
    expect(errorCode("")).toBe("empty");
    expect(errorCode("   ")).toBe("empty");
    expect(errorCode("H100S")).toBe("malformed");
    expect(errorCode("x H100S")).toBe("malformed");
    expect(errorCode("2 H100S")).toBe("malformed");
    expect(errorCode("-1x H100S")).toBe("malformed");
    expect(errorCode("1.5x H100S")).toBe("malformed");
    expect(errorCode(`1x ${"A".repeat(200)}`)).toBe("malformed");
    expect(errorCode("0x H100S")).toBe("bad_count");
    expect(errorCode("1x TPUv5")).toBe("unknown_gpu");
    expect(errorCode("16x H100S")).toBe("count_exceeds_max");
  });

  it("gives users a message that shows the expected form", () => {
    expect(() => parseHardware("H100")).toThrow("must look like '<count>x <gpu>', e.g. '1x H100S'");
    expect(() => parseHardware("1x TPU")).toThrow('unknown GPU "TPU"');
  });

  it("validates allowed_hardware entries for the API", () => {
    expect(isKnownHardware("1x H200")).toBe(true);
    expect(isKnownHardware("3x A40")).toBe(true);
    expect(isKnownHardware("1x H300")).toBe(false);
    expect(isKnownHardware("lots of GPUs")).toBe(false);
    expect(tryParseHardware("nonsense")).toBeNull();
    expect(canonicalHardware("1x h100n")).toBe("1x H100N");
    expect(canonicalHardware("1x nope", defaultCatalog)).toBeNull();
  });
});
