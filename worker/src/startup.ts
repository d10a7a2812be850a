import type { WorkerConfig } from "./config/worker-config.ts";
import { type CommandRunner, detectGpus, runCommand } from "./gpu/detect-gpus.ts";
import { gpuHealthProblems } from "./gpu/gpu-health.ts";
import { computeProblems, reclaimStrayGpuProcesses } from "./gpu/gpu-probe.ts";
import { scanCachedModels } from "./gpu/hf-cache.ts";
import { summarizeHardware } from "./gpu/nvidia-smi-parser.ts";
import type { WorkerIdentity } from "./loop/worker-identity.ts";
import type { Logger } from "./util/logger.ts";

export const WORKER_VERSION = "0.1.0";

export type StartupResult =
  | { healthy: true; identity: WorkerIdentity }
  | { healthy: false; problems: string[] };

/**
 * What the worker learns about its machine before registering: GPUs (count, model, VRAM), their
 * health, and the models already in the Hugging Face cache. A GPU that fails the check must not
 * take jobs: every one of them would fail on it.
 */
export async function inspectMachine(
  config: WorkerConfig,
  logger: Logger,
  run: CommandRunner = runCommand,
  kill: (pid: number) => boolean = killProcess,
): Promise<StartupResult> {
  let detection = await detectGpus(run);
  const probe = {
    run,
    kill,
    ownPid: process.pid,
    log: (m: string, f?: Record<string, unknown>) => logger.info(m, f),
  };
  // Stray processes first: the free-memory check below would fail on memory they hold.
  if (detection.gpus.length > 0 && (await reclaimStrayGpuProcesses(probe)).length > 0) {
    detection = await detectGpus(run);
  }
  if (detection.note !== null) logger.info("no GPUs found; CPU jobs only", { note: detection.note });
  for (const gpu of detection.gpus) {
    logger.info("GPU", {
      index: gpu.index,
      name: gpu.name,
      memory_mib: gpu.memoryTotalMib,
      free_mib: gpu.memoryFreeMib,
    });
  }
  const problems = gpuHealthProblems(detection.gpus);
  if (problems.length === 0)
    problems.push(
      ...(await computeProblems(
        detection.gpus.map((g) => g.index),
        probe,
      )),
    );
  for (const problem of problems) logger.error(problem);
  if (problems.length > 0) return { healthy: false, problems };
  const cachedModels = await scanCachedModels(config.hfHubDir);
  if (cachedModels.length > 0) logger.info("cached models", { models: cachedModels.join(",") });
  return {
    healthy: true,
    identity: {
      image: config.image,
      // The pod id alone makes this a RunPod worker: the scaler pairs pods with workers by
      // (provider, pod id), and a pod without the self-stop key registering as "local" was
      // terminated as an orphan under its own running job (seen in the smoke test, 2026-12-04).
      provider: config.publicEndpoint.provider,
      podId: config.publicEndpoint.provider === "runpod" ? config.publicEndpoint.podId : null,
      hardware: summarizeHardware(detection.gpus),
      cachedModels,
      version: WORKER_VERSION,
    },
  };
}

function killProcess(pid: number): boolean {
  try {
    process.kill(pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}
