import { execFile } from "node:child_process";
import { GPU_QUERY_FIELDS, type GpuInfo, parseGpuQueryOutput } from "./nvidia-smi-parser.ts";

export interface CommandResult {
  /** null when the program could not be started (not installed). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (file: string, args: string[], timeoutMs: number) => Promise<CommandResult>;

/** Runs a program without a shell; "not found" is a result (exitCode null), not an exception. */
export const runCommand: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ exitCode: 0, stdout, stderr });
      if (error.code === "ENOENT") return resolve({ exitCode: null, stdout, stderr });
      resolve({ exitCode: typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });

export interface GpuDetection {
  gpus: GpuInfo[];
  /** Why no GPUs were found, for the log ("nvidia-smi not installed", the driver's message). */
  note: string | null;
}

/**
 * Asks nvidia-smi for every GPU. No nvidia-smi, or a driver that sees no device, is a CPU-only
 * worker (it can still run CPU jobs), not an error.
 */
export async function detectGpus(run: CommandRunner = runCommand, timeoutMs = 20_000): Promise<GpuDetection> {
  const args = [`--query-gpu=${GPU_QUERY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
  const result = await run("nvidia-smi", args, timeoutMs);
  if (result.exitCode === null) return { gpus: [], note: "nvidia-smi not installed" };
  if (result.exitCode !== 0) {
    const message = `${result.stdout}\n${result.stderr}`.trim().split("\n")[0] ?? "";
    return { gpus: [], note: `nvidia-smi exited ${result.exitCode}: ${message}` };
  }
  return { gpus: parseGpuQueryOutput(result.stdout), note: null };
}
