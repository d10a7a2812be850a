// A worker on a rented pod must register under the hardware string jobs are pinned to: jobs store
// `allowed_hardware` canonical ("1x H100S") and claim_job compares strings. The worker names its
// GPUs from nvidia-smi; the server maps that name through the catalog. Checked here on the
// driver's outputs recorded per model (worker/test/fixtures/nvidia-smi, one from a real H200).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { workerHardwareType } from "../../supabase/functions/_shared/hardware/hardware-string.ts";
import { parseGpuQueryOutput, summarizeHardware } from "../../worker/src/gpu/nvidia-smi-parser.ts";

const reported = (fixture: string) =>
  summarizeHardware(
    parseGpuQueryOutput(
      readFileSync(new URL(`../../worker/test/fixtures/nvidia-smi/${fixture}`, import.meta.url), "utf8"),
    ),
  ).hardwareType;

describe("the hardware string a worker is stored under", () => {
  it.each([
    ["h100.csv", "1x H100S"],
    ["8x-h100.csv", "8x H100S"],
    ["a100-sxm4-80gb.csv", "1x A100S"],
    ["rtx4090.csv", "1x RTX4090"],
    ["l40s.csv", "1x L40S"],
    ["h200.csv", "1x H200"],
  ])("is the catalog's for %s", (fixture, canonical) => {
    expect(workerHardwareType(reported(fixture))).toBe(canonical);
  });

  it("stays as reported for a GPU the catalog does not know, and null without GPUs", () => {
    expect(workerHardwareType(reported("2x-a100-unhealthy.csv"))).toBe("2x NVIDIA A100-PCIE-40GB");
    expect(workerHardwareType(null)).toBeNull();
  });
});
