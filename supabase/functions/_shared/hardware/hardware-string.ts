// Hardware strings: "2x H100S" ↔ { gpu: "H100S", count: 2 }. Users write them in
// `allowed_hardware`; workers report one as their `hardware_type`. Parsing accepts any case,
// spaces, "×", aliases ("4090") and RunPod ids ("1x NVIDIA H200"); formatting always yields the
// canonical form, which is what the API should store and the claim should compare.
import { defaultCatalog, findGpu, type HardwareCatalog } from "./catalog.ts";

export type HardwareStringErrorCode =
  | "empty"
  | "malformed"
  | "bad_count"
  | "unknown_gpu"
  | "count_exceeds_max";

export class HardwareStringError extends Error {
  override readonly name = "HardwareStringError";
  constructor(
    readonly code: HardwareStringErrorCode,
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedHardware {
  /** Canonical short name. */
  readonly gpu: string;
  readonly count: number;
  /** Canonical string, e.g. "2x H100S". */
  readonly hardwareType: string;
}

const HARDWARE_PATTERN = /^\s*(\d+)\s*[x×]\s*(\S.*?)\s*$/i;
const MAX_INPUT_LENGTH = 100;

/** Parses "Nx GPU"; throws `HardwareStringError` with a stable `code` and a message for users. */
export function parseHardware(input: string, catalog: HardwareCatalog = defaultCatalog): ParsedHardware {
  if (typeof input !== "string" || input.trim() === "") {
    throw new HardwareStringError(
      "empty",
      String(input),
      "hardware must be a non-empty string like '1x H100S'",
    );
  }
  const match = input.length <= MAX_INPUT_LENGTH ? HARDWARE_PATTERN.exec(input) : null;
  if (!match) {
    throw new HardwareStringError(
      "malformed",
      input,
      `hardware "${input}" must look like '<count>x <gpu>', e.g. '1x H100S'`,
    );
  }
  const count = Number(match[1]);
  const name = match[2] ?? "";
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new HardwareStringError(
      "bad_count",
      input,
      `hardware "${input}": the GPU count must be at least 1`,
    );
  }
  const gpu = findGpu(catalog, name);
  if (!gpu) {
    throw new HardwareStringError("unknown_gpu", input, `hardware "${input}": unknown GPU "${name}"`);
  }
  if (count > gpu.maxCount) {
    throw new HardwareStringError(
      "count_exceeds_max",
      input,
      `hardware "${input}": at most ${gpu.maxCount} × ${gpu.short} fit in one pod`,
    );
  }
  return { gpu: gpu.short, count, hardwareType: `${count}x ${gpu.short}` };
}

/** The parsed hardware, or null when the string is not valid hardware. */
export function tryParseHardware(
  input: string,
  catalog: HardwareCatalog = defaultCatalog,
): ParsedHardware | null {
  try {
    return parseHardware(input, catalog);
  } catch (error) {
    if (error instanceof HardwareStringError) return null;
    throw error;
  }
}

/** "2x H100S". Known GPU names are canonicalised ("4090" → "RTX4090"); unknown ones kept as given. */
export function formatHardware(
  hardware: { readonly gpu: string; readonly count: number },
  catalog: HardwareCatalog = defaultCatalog,
): string {
  if (!Number.isSafeInteger(hardware.count) || hardware.count < 1) {
    throw new HardwareStringError(
      "bad_count",
      String(hardware.count),
      "the GPU count must be a positive integer",
    );
  }
  const gpu = findGpu(catalog, hardware.gpu);
  return `${hardware.count}x ${gpu ? gpu.short : hardware.gpu.trim()}`;
}

/** Whether the string names a GPU the catalog knows in a count it allows (API validation). */
export function isKnownHardware(input: string, catalog: HardwareCatalog = defaultCatalog): boolean {
  return tryParseHardware(input, catalog) !== null;
}

/** The canonical form of a hardware string, or null if it is not valid. */
export function canonicalHardware(input: string, catalog: HardwareCatalog = defaultCatalog): string | null {
  return tryParseHardware(input, catalog)?.hardwareType ?? null;
}

/**
 * The hardware string a worker is stored under: the canonical form of what it reported where the
 * catalog knows the GPU, so `allowed_hardware` (stored canonical) matches it at claim; otherwise
 * what it reported. Workers report `<count>x <the driver's GPU name>`, and RunPod's GPU type ids
 * are the driver's names ("NVIDIA H100 80GB HBM3" → H100S), so the mapping is exact.
 */
export function workerHardwareType(
  reported: string | null,
  catalog: HardwareCatalog = defaultCatalog,
): string | null {
  if (reported === null) return null;
  return canonicalHardware(reported, catalog) ?? reported;
}
