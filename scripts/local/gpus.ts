// What GPUs this machine has, from nvidia-smi. A machine without nvidia-smi (or whose driver is
// broken) has zero GPUs: the local stack must still run there, with CPU-only workers.
import { execFile } from "node:child_process";
import type { AgentGpu } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";

export type LocalGpu = AgentGpu;

export const NVIDIA_SMI_ARGS = ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"];

/**
 * Parses `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits`, e.g.
 * "NVIDIA H200, 143771". Memory is MiB; `memoryGb` rounds to whole GB so "80GB" cards read 80.
 * Lines that do not parse are skipped, but indices follow nvidia-smi's line order.
 */
export function parseNvidiaSmiGpus(output: string): LocalGpu[] {
  const gpus: LocalGpu[] = [];
  const lines = output.split(/\r?\n/).filter((line) => line.trim().length > 0);
  lines.forEach((line, index) => {
    const comma = line.lastIndexOf(",");
    if (comma < 0) return;
    const name = line.slice(0, comma).trim();
    const memoryMib = Number(line.slice(comma + 1).trim());
    if (name.length === 0 || !Number.isFinite(memoryMib) || memoryMib <= 0) return;
    gpus.push({ index, name, memoryMib, memoryGb: Math.round(memoryMib / 1024) });
  });
  return gpus;
}

/** nvidia-smi's output, or null when it is missing, fails, or hangs. */
export function runNvidiaSmi(binary = "nvidia-smi", timeoutMs = 10_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(binary, NVIDIA_SMI_ARGS, { timeout: timeoutMs, encoding: "utf8" }, (error, stdout) => {
      resolve(error ? null : stdout);
    });
  });
}

export async function detectGpus(
  run: () => Promise<string | null> = () => runNvidiaSmi(),
): Promise<LocalGpu[]> {
  const output = await run();
  return output === null ? [] : parseNvidiaSmiGpus(output);
}
