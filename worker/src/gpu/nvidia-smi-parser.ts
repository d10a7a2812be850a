// Pure parsing of `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` output, so it can be
// tested on recorded outputs of many GPU models without a GPU.

/** The query the worker runs; the parser expects these columns in this order. */
export const GPU_QUERY_FIELDS = [
  "index",
  "name",
  "memory.total",
  "memory.free",
  "ecc.errors.uncorrected.volatile.total",
  "ecc.errors.corrected.volatile.total",
] as const;

export interface GpuInfo {
  index: number;
  /** As the driver reports it, e.g. "NVIDIA H100 80GB HBM3". */
  name: string;
  memoryTotalMib: number;
  memoryFreeMib: number;
  /** null where the GPU has no ECC or the driver does not report it ("[N/A]", "[Not Supported]"). */
  eccUncorrected: number | null;
  eccCorrected: number | null;
}

function optionalCount(raw: string): number | null {
  const value = Number(raw);
  return raw === "" || raw.startsWith("[") || !Number.isFinite(value) ? null : value;
}

/** Splits one CSV row; GPU names contain no commas, but be strict about the column count anyway. */
export function parseGpuQueryOutput(output: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const rawLine of output.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== GPU_QUERY_FIELDS.length) {
      throw new Error(`unexpected nvidia-smi row (want ${GPU_QUERY_FIELDS.length} columns): ${line}`);
    }
    const [index, name, total, free, uncorrected, corrected] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const memoryTotalMib = Number(total);
    const memoryFreeMib = Number(free);
    if (
      !Number.isInteger(Number(index)) ||
      !Number.isFinite(memoryTotalMib) ||
      !Number.isFinite(memoryFreeMib)
    ) {
      throw new Error(`unexpected nvidia-smi row: ${line}`);
    }
    gpus.push({
      index: Number(index),
      name,
      memoryTotalMib,
      memoryFreeMib,
      eccUncorrected: optionalCount(uncorrected),
      eccCorrected: optionalCount(corrected),
    });
  }
  return gpus;
}

export interface HardwareSummary {
  gpuCount: number;
  /** Short model name ("H100", "A100", "RTX 4090"); null without GPUs. */
  gpuType: string | null;
  /** `{count}x {driver's name}` ("1x NVIDIA H100 80GB HBM3"); the server stores it canonical. */
  hardwareType: string | null;
  /** Total across GPUs, whole GB rounded to the nearest (an "80GB" card reports 81,559 MiB). */
  vramGb: number;
}

// Longest first: "A100 80GB" must not be read as "A100" before its size is considered.
const KNOWN_MODELS = [
  "B200",
  "H200",
  "H100",
  "A100",
  "L40S",
  "L40",
  "L4",
  "A6000",
  "A40",
  "A10G",
  "A10",
  "V100",
  "T4",
];

/** "NVIDIA GeForce RTX 4090" → "RTX 4090"; "NVIDIA A100-SXM4-80GB" → "A100"; unknown → name minus "NVIDIA". */
export function shortGpuName(name: string): string {
  const bare = name
    .replace(/^NVIDIA\s+/i, "")
    .replace(/^GeForce\s+/i, "")
    .trim();
  const rtx = /\bRTX\s*(?:PRO\s*)?(\d{4}|A\d{4})\b/i.exec(bare);
  if (rtx) return `RTX ${rtx[1]?.toUpperCase()}`;
  const upper = bare.toUpperCase();
  for (const model of KNOWN_MODELS) {
    if (new RegExp(`(^|[^A-Z0-9])${model}([^A-Z0-9]|$)`).test(upper)) return model;
  }
  return bare;
}

export function summarizeHardware(gpus: GpuInfo[]): HardwareSummary {
  const first = gpus[0];
  if (!first) return { gpuCount: 0, gpuType: null, hardwareType: null, vramGb: 0 };
  const gpuType = shortGpuName(first.name);
  const vramGb = gpus.reduce((sum, g) => sum + Math.round(g.memoryTotalMib / 1024), 0);
  // The driver's full name, not the short one: it is RunPod's GPU type id, so the server maps it to
  // the catalog exactly ("A100" alone cannot tell the SXM card from the PCIe one).
  return { gpuCount: gpus.length, gpuType, hardwareType: `${gpus.length}x ${first.name}`, vramGb };
}
