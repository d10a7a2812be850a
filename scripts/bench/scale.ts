// `npm run bench:scale`: how long planScaling takes on a large fleet — 1,000 organizations,
// 10,000 pending jobs, 2,000 workers (goal ≤ 200 ms) — against two references measured in the
// same run on the same snapshot: the original org manager's policy (one pass per org, as its
// per-org processes did) and a trivial loop (sort the queue, look up each job's cheapest fit).
// Reports the median of several runs after warm-up. Flags: --runs N, --json.
import process from "node:process";
import { defaultCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { defaultScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { planScaling } from "../../supabase/functions/_shared/scaling/plan.ts";
import type {
  Arrivals,
  HardwareCooldown,
  KeepWarmState,
  OrganizationLimits,
  PendingJob,
  ProviderPod,
  ScalingAction,
  ScalingSnapshot,
  WorkerState,
} from "../../supabase/functions/_shared/scaling/types.ts";
import { planOriginal } from "../sim/original/original-policy.ts";
import { OriginalRegistry } from "../sim/original/original-registry.ts";

const ORGS = 1_000;
const JOBS = 10_000;
const WORKERS = 2_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

// --- a large, varied, seeded snapshot: organizations of skewed size, three images, VRAM from
// 8 to 160 GB, some named hardware, workers in every state (some silent), orphan pods,
// cooldowns and budgets.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IMAGES = ["ow-unsloth:v1", "ow-vllm:v1", "custom/eval:2"];
const VRAM = [8, 16, 24, 24, 24, 40, 48, 70, 80, 120, 160];
const NAMED = [["1x H100S", "1x H200"], ["2x A100"], ["1x A6000", "1x L40S"], ["4x H100S"]];
const HARDWARE = ["1x A40", "1x A100", "2x A40", "1x H100S", "1x RTX3090", "1x 6000Ada", "4x A40", "1x H200"];

interface BenchShape {
  readonly orgs: number;
  readonly jobs: number;
  readonly workers: number;
  readonly now: number;
  readonly seed: number;
}

/** Zipf-like organization index: a few big organizations, a long tail of small ones. */
function skewedOrg(random: () => number, orgs: number): string {
  return `org-${String(Math.floor(orgs * random() ** 2)).padStart(4, "0")}`;
}

function makeJobs(shape: BenchShape, random: () => number): PendingJob[] {
  return Array.from({ length: shape.jobs }, (_, i) => ({
    id: `job-${i}`,
    organizationId: skewedOrg(random, shape.orgs),
    image: IMAGES[Math.floor(random() * IMAGES.length)] as string,
    requiresVramGb: VRAM[Math.floor(random() * VRAM.length)] as number,
    allowedHardware: random() < 0.1 ? (NAMED[Math.floor(random() * NAMED.length)] as string[]) : null,
    priority: random() < 0.05 ? 10 : 0,
    createdAt: shape.now - Math.floor(random() * 3_600_000),
    // Not drawn from `random`, so the rest of the snapshot stays what it was before these fields.
    jobType: i % 3 === 0 ? "inference" : "fine-tuning",
    timeoutSeconds: i % 7 === 0 ? 3600 : 86_400,
  }));
}

/**
 * Learned keep-warm state for every organization × image (64 gaps each) and the arrivals since
 * (every pending job is one), as the snapshot carries them; from its own seed.
 */
function makeKeepWarm(
  shape: BenchShape,
  jobs: readonly PendingJob[],
): Pick<ScalingSnapshot, "keepWarm" | "arrivals"> {
  const random = mulberry32(shape.seed + 1);
  const keepWarm: KeepWarmState[] = [];
  for (let o = 0; o < shape.orgs; o++)
    for (const image of IMAGES)
      keepWarm.push({
        organizationId: `org-${String(o).padStart(4, "0")}`,
        image,
        gapsSeconds: Array.from({ length: 64 }, () => Math.round(random() * 3600)),
        lastArrivalAt: shape.now - 2 * 3_600_000,
      });
  const groups = new Map<string, Arrivals & { createdAt: number[] }>();
  for (const job of jobs) {
    const key = `${job.organizationId}\u0000${job.image}`;
    const group = groups.get(key) ?? { organizationId: job.organizationId, image: job.image, createdAt: [] };
    group.createdAt.push(job.createdAt);
    groups.set(key, group);
  }
  return { keepWarm, arrivals: [...groups.values()] };
}

function makeWorker(i: number, shape: BenchShape, random: () => number): WorkerState {
  const roll = random();
  const status =
    roll < 0.6
      ? "active"
      : roll < 0.8
        ? "starting"
        : roll < 0.9
          ? "shutdown"
          : roll < 0.95
            ? "terminated"
            : "lost";
  const hardwareType = HARDWARE[Math.floor(random() * HARDWARE.length)] as string;
  // starting workers are young (a few minutes); others up to two hours old
  const createdAt = shape.now - Math.floor(random() * (status === "starting" ? 600_000 : 7_200_000));
  const silent = random() < 0.03;
  const busy = status === "active" && random() < 0.6;
  return {
    id: `w-${i}`,
    organizationId: skewedOrg(random, shape.orgs),
    provider: "runpod",
    podId: `pod-${i}`,
    status,
    image: IMAGES[Math.floor(random() * IMAGES.length)] as string,
    hardwareType,
    gpuCount: Number(hardwareType[0]),
    vramGb: status === "starting" ? 0 : 44,
    costPerHour: 0.44 + random() * 3,
    createdAt,
    lastHeartbeatAt:
      status === "starting" ? null : shape.now - (silent ? 600_000 : Math.floor(random() * 30_000)),
    runningJobs: busy ? 1 : 0,
    lastActiveAt: createdAt + Math.floor(random() * (shape.now - createdAt)),
    shutdownRequestedAt: status === "shutdown" ? shape.now - 60_000 : null,
  };
}

function makePods(workers: readonly WorkerState[], random: () => number, now: number): ProviderPod[] {
  const pods: ProviderPod[] = workers
    .filter((w) => w.podId !== null && random() < 0.98) // 2 % of pods vanished
    .map((w) => ({
      podId: w.podId as string,
      provider: "runpod",
      workerId: w.id,
      status: "running",
      createdAt: w.createdAt,
    }));
  for (let i = 0; i < 50; i++) {
    pods.push({
      podId: `stray-${i}`,
      provider: "runpod",
      workerId: null,
      status: "running",
      createdAt: now - 3_600_000,
    });
  }
  return pods;
}

function buildBenchSnapshot(shape: BenchShape): ScalingSnapshot {
  const random = mulberry32(shape.seed);
  const pendingJobs = makeJobs(shape, random);
  const workers = Array.from({ length: shape.workers }, (_, i) => makeWorker(i, shape, random));
  const gpus = defaultCatalog.autoConfigs.map((c) => c.gpu);
  const cooldowns: HardwareCooldown[] = Array.from({ length: 300 }, (_, i) => ({
    organizationId: i % 10 === 0 ? null : skewedOrg(random, shape.orgs),
    gpu: gpus[Math.floor(random() * gpus.length)] as string,
    level: 1 + Math.floor(random() * 4),
    failures: 0,
    until: shape.now + Math.floor((random() - 0.3) * 600_000),
  }));
  const limits: OrganizationLimits[] = Array.from({ length: shape.orgs }, (_, i) => ({
    organizationId: `org-${String(i).padStart(4, "0")}`,
    maxWorkers: 4 + Math.floor(random() * 30),
    maxHourlyUsd: random() < 0.3 ? 5 + random() * 50 : null,
    maxDailyUsd: random() < 0.2 ? 50 + random() * 500 : null,
    spentTodayUsd: random() * 60,
    provisioningPausedUntil: random() < 0.01 ? shape.now + 60_000 : null,
  }));
  return {
    pendingJobs,
    workers,
    cooldowns,
    limits,
    providerPods: makePods(workers, random, shape.now),
    listedProviders: ["runpod"],
    ...makeKeepWarm(shape, pendingJobs),
  };
}

// --- measurement

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The least any planner must do: order the queue and find each job's cheapest configuration. */
function trivialPlan(snapshot: ScalingSnapshot): number {
  const jobs = [...snapshot.pendingJobs].sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt);
  let total = 0;
  for (const job of jobs) {
    const fit = defaultCatalog.autoConfigs.find((config) => config.vramGb >= job.requiresVramGb);
    total += fit?.costPerHour ?? 0;
  }
  return total;
}

function time<T>(fn: () => T, runs: number): { medianMs: number; minMs: number; result: T } {
  let result = fn();
  for (let i = 0; i < 3; i++) result = fn(); // warm-up: JIT, caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    samples.push(performance.now() - start);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), result };
}

function countKinds(actions: readonly ScalingAction[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of actions) counts[action.kind] = (counts[action.kind] ?? 0) + 1;
  return counts;
}

function main(): void {
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 21;
  const snapshot = buildBenchSnapshot({ orgs: ORGS, jobs: JOBS, workers: WORKERS, now: NOW, seed: 42 });
  const ours = time(() => planScaling(snapshot, defaultCatalog, defaultScalingConfig, NOW), runs);
  const original = time(() => planOriginal(snapshot, defaultCatalog, new OriginalRegistry(), NOW), runs);
  const trivial = time(() => trivialPlan(snapshot), runs);
  const report = {
    fleet: {
      organizations: ORGS,
      pendingJobs: snapshot.pendingJobs.length,
      workers: snapshot.workers.length,
    },
    runs,
    planScalingMs: { median: ours.medianMs, min: ours.minMs },
    originalPolicyMs: { median: original.medianMs, min: original.minMs },
    trivialLoopMs: { median: trivial.medianMs, min: trivial.minMs },
    ratioToOriginal: ours.medianMs / original.medianMs,
    ratioToTrivial: ours.medianMs / trivial.medianMs,
    actions: countKinds(ours.result),
    goalMs: 200,
    node: process.version,
  };
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `fleet: ${ORGS} orgs, ${report.fleet.pendingJobs} pending jobs, ${report.fleet.workers} workers; median of ${runs} runs (${process.version})`,
    );
    console.log(
      `planScaling          ${f(ours.medianMs)}  (min ${f(ours.minMs)})  goal ≤ 200 ms: ${ours.medianMs <= 200 ? "met" : "NOT met"}`,
    );
    console.log(
      `original policy      ${f(original.medianMs)}  → planScaling / original = ${report.ratioToOriginal.toFixed(2)}`,
    );
    console.log(
      `trivial sort+lookup  ${f(trivial.medianMs)}  → planScaling / trivial  = ${report.ratioToTrivial.toFixed(2)}`,
    );
    console.log(`actions planned: ${JSON.stringify(report.actions)}`);
  }
  process.exitCode = ours.medianMs <= 200 ? 0 : 1;
}

main();
