// A GPU health check worth the name, run once at start before the worker registers:
// 1. reclaim stray processes: a pod reused after a crash (or a restarted container) can leave a
//    process holding GPU memory, which every job would then trip over;
// 2. compute on every GPU: through the job image's own python3 when it has torch (allocate
//    256 MiB, fill and sum it, multiply two 1024² matrices and compare with the CPU); otherwise ask
//    the driver about ECC-retired pages and remapped rows, the failures a memory check would find.
// Every problem names the GPU's index (nvidia-smi's numbering). The parsers are pure, so they are
// tested on recorded and fake outputs; the commands go through the same runner as detect-gpus.
import type { CommandRunner } from "./detect-gpus.ts";

/** One line of JSON per GPU: {"index", "ok", "detail"}; first line {"torch": bool, "count"}. */
export const TORCH_PROBE = `
import json, sys, time
try:
    import torch
except Exception as e:
    print(json.dumps({"torch": False, "detail": str(e)[:200]})); sys.exit(0)
n = torch.cuda.device_count() if torch.cuda.is_available() else 0
print(json.dumps({"torch": True, "count": n}), flush=True)
for i in range(n):
    started = time.time()
    try:
        d = torch.device("cuda", i)
        block = torch.ones(64 * 1024 * 1024, dtype=torch.float32, device=d)
        total = float(block.sum().item())
        del block
        a = torch.randn(1024, 1024, device=d); b = torch.randn(1024, 1024, device=d)
        c = (a @ b).cpu(); ref = a.cpu() @ b.cpu()
        err = float((c - ref).abs().max()); scale = max(1.0, float(ref.abs().max()))
        ok = total == 64 * 1024 * 1024 and bool(torch.isfinite(c).all()) and err <= 1e-3 * scale
        detail = "matmul error %.2e of %.2e, sum %d" % (err, scale, total)
        print(json.dumps({"index": i, "ok": ok, "detail": detail, "ms": int((time.time() - started) * 1000)}), flush=True)
    except Exception as e:
        print(json.dumps({"index": i, "ok": False, "detail": str(e)[:300]}), flush=True)
`;

export type ProbeOutcome =
  | { kind: "torch"; problems: string[]; checked: number }
  | { kind: "no_torch"; detail: string };

/** Reads TORCH_PROBE's output; a GPU that printed nothing (the probe died on it) is a problem too. */
export function parseTorchProbe(stdout: string, expectedIndexes: readonly number[]): ProbeOutcome {
  const records = stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const head = records[0];
  if (head?.torch !== true) return { kind: "no_torch", detail: String(head?.detail ?? "no output") };
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const r of records.slice(1)) {
    const index = Number(r.index);
    seen.add(index);
    if (r.ok !== true) problems.push(`GPU ${index} failed the compute check: ${String(r.detail)}`);
  }
  if (Number(head.count) !== expectedIndexes.length) {
    problems.push(`torch sees ${String(head.count)} GPUs, nvidia-smi ${expectedIndexes.length}`);
  }
  for (const index of expectedIndexes) {
    if (!seen.has(index)) problems.push(`GPU ${index} did not finish the compute check`);
  }
  return { kind: "torch", problems, checked: seen.size };
}

export const RETIRED_PAGES_QUERY = [
  "--query-gpu=index,retired_pages.pending,retired_pages.dbe",
  "--format=csv,noheader,nounits",
];
export const REMAPPED_ROWS_QUERY = [
  "--query-remapped-rows=gpu_uuid,remapped_rows.pending,remapped_rows.failure",
  "--format=csv,noheader,nounits",
];
export const GPU_UUID_QUERY = ["--query-gpu=index,uuid", "--format=csv,noheader,nounits"];
export const COMPUTE_APPS_QUERY = [
  "--query-compute-apps=pid,gpu_uuid,used_memory",
  "--format=csv,noheader,nounits",
];

const rows = (stdout: string) =>
  stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.toLowerCase().startsWith("no running"))
    .map((l) => l.split(",").map((c) => c.trim()));
const yes = (cell: string | undefined) => /^(yes|1)$/i.test(cell ?? "");
const count = (cell: string | undefined) => (/^\d+$/.test(cell ?? "") ? Number(cell) : 0);

/** GPU uuid → nvidia-smi index. */
export function parseUuids(stdout: string): Map<string, number> {
  return new Map(rows(stdout).map(([index, uuid]) => [uuid ?? "", Number(index)]));
}

/** Pages waiting to be retired (a reset is due) or double-bit retirements: the memory is failing. */
export function retiredPageProblems(stdout: string): string[] {
  return rows(stdout).flatMap(([index, pending, dbe]) => [
    ...(yes(pending) ? [`GPU ${index} has retired pages pending (needs a reset)`] : []),
    ...(count(dbe) > 0 ? [`GPU ${index} retired ${count(dbe)} pages for double-bit ECC errors`] : []),
  ]);
}

/** Ampere and later remap rows instead: a pending remap needs a reset; a failed one is a bad GPU. */
export function remappedRowProblems(stdout: string, uuids: Map<string, number>): string[] {
  return rows(stdout).flatMap(([uuid, pending, failure]) => {
    const label = `GPU ${uuids.get(uuid ?? "") ?? uuid}`;
    return [
      ...(yes(pending) ? [`${label} has a row remapping pending (needs a reset)`] : []),
      ...(yes(failure) ? [`${label} failed to remap a row (uncorrectable memory)`] : []),
    ];
  });
}

export interface GpuProcess {
  pid: number;
  index: number | null;
  usedMib: number;
}

export function parseComputeApps(stdout: string, uuids: Map<string, number>): GpuProcess[] {
  return rows(stdout)
    .filter(([pid]) => /^\d+$/.test(pid ?? ""))
    .map(([pid, uuid, used]) => ({
      pid: Number(pid),
      index: uuids.get(uuid ?? "") ?? null,
      usedMib: count(used),
    }));
}

export interface ProbeDeps {
  run: CommandRunner;
  /** Sends SIGKILL; false when the process is not ours to kill (another PID namespace, gone). */
  kill: (pid: number) => boolean;
  ownPid: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  python?: string;
  timeoutMs?: number;
  /** How long to wait for the driver to drop killed processes (default 15 s). */
  reclaimWaitMs?: number;
}

/** Kills processes on the GPUs that are not this worker: nothing else should run on a fresh pod. */
export async function reclaimStrayGpuProcesses(deps: ProbeDeps): Promise<GpuProcess[]> {
  const uuids = parseUuids((await deps.run("nvidia-smi", GPU_UUID_QUERY, 20_000)).stdout);
  const apps = parseComputeApps((await deps.run("nvidia-smi", COMPUTE_APPS_QUERY, 20_000)).stdout, uuids);
  const reclaimed: GpuProcess[] = [];
  for (const app of apps.filter((a) => a.pid !== deps.ownPid)) {
    const killed = deps.kill(app.pid);
    deps.log(
      killed ? "killed a stray GPU process" : "a process holds GPU memory and cannot be killed from here",
      {
        gpu: app.index,
        pid: app.pid,
        used_mib: app.usedMib,
      },
    );
    if (killed) reclaimed.push(app);
  }
  // The driver frees a killed process's memory a moment later; wait (bounded) until nvidia-smi no
  // longer lists it, so the free-memory check that follows sees the reclaimed memory.
  const deadline = Date.now() + (deps.reclaimWaitMs ?? 15_000);
  while (reclaimed.length > 0 && Date.now() < deadline) {
    const left = parseComputeApps((await deps.run("nvidia-smi", COMPUTE_APPS_QUERY, 20_000)).stdout, uuids);
    if (!left.some((a) => reclaimed.some((r) => r.pid === a.pid))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return reclaimed;
}

/** Problems found by computing on each GPU (or, without torch, by the driver's memory health). */
export async function computeProblems(indexes: readonly number[], deps: ProbeDeps): Promise<string[]> {
  if (indexes.length === 0) return [];
  // PCI_BUS_ID: CUDA's default order (fastest first) can differ from nvidia-smi's, and problems must
  // name the index nvidia-smi and RunPod show.
  const probe = await deps.run(
    "env",
    ["CUDA_DEVICE_ORDER=PCI_BUS_ID", deps.python ?? "python3", "-c", TORCH_PROBE],
    deps.timeoutMs ?? 180_000,
  );
  // Parsed even after a crash: a probe that died on GPU 3 printed the GPUs before it.
  const outcome = probe.exitCode === null ? null : parseTorchProbe(probe.stdout, indexes);
  if (outcome?.kind === "torch") {
    deps.log("GPU compute check", { gpus: outcome.checked, problems: outcome.problems.length });
    return outcome.problems;
  }
  deps.log("no torch in this image: checking GPU memory health with nvidia-smi", {
    detail: outcome?.kind === "no_torch" ? outcome.detail : "no python3 in this image",
  });
  const uuids = parseUuids((await deps.run("nvidia-smi", GPU_UUID_QUERY, 20_000)).stdout);
  const retired = await deps.run("nvidia-smi", RETIRED_PAGES_QUERY, 20_000);
  const remapped = await deps.run("nvidia-smi", REMAPPED_ROWS_QUERY, 20_000);
  return [
    ...(retired.exitCode === 0 ? retiredPageProblems(retired.stdout) : []),
    ...(remapped.exitCode === 0 ? remappedRowProblems(remapped.stdout, uuids) : []),
  ];
}
