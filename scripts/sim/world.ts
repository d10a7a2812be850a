// The simulated outside world: how fast each pod runs a job, how long pods take to boot (image
// size included), which GPU types have capacity when, which create calls fail, which pods die
// before their worker starts and when the provider stops a pod. Every draw is a hash of (seed, what, key), not a
// stream, so both policies meet the same world: a GPU type that is sold out from minute 20 to
// 30 is sold out for both, and the pod for job-0042's first worker boots equally fast for both.

import {
  DEFAULT_SPEED_MODEL,
  podSpeed,
  referencePodSpeed,
  type SpeedModel,
  type Workload,
} from "../../supabase/functions/_shared/hardware/speed.ts";

export interface WorldOptions {
  readonly seed: number;
  /**
   * How fast jobs run on each pod (`speed.ts`: spec-sheet throughput, compute/bandwidth split per
   * workload, multi-GPU efficiency). A trace's duration is the time on the reference pod.
   * `enabled: false` is the old world where every pod that fits is equally fast.
   */
  readonly speed: SpeedModel;
  /** Pod boot + worker registration before the image pull, seconds (uniform). */
  readonly bootSeconds: readonly [number, number];
  /** Image pull: seconds per GB of image, added to the boot (0 = size does not matter). */
  readonly pullSecondsPerGb: number;
  /** Image sizes, GB; images not listed have `defaultImageGb`. */
  readonly imageGb: Readonly<Record<string, number>>;
  readonly defaultImageGb: number;
  /** Seconds one create call takes (the scaler waits for it; later creates in a tick start later). */
  readonly createCallSeconds: number;
  /** Chance a create call fails for no reason of capacity (HTTP 5xx, timeout); the next call may work. */
  readonly createErrorProbability: number;
  /**
   * Pods are stopped by the provider after this many hours (host maintenance, reclaimed capacity;
   * 24 h is the cap Google Cloud puts on preemptible VMs); 0 = never.
   */
  readonly podLifetimeHours: number;
  /** Capacity is decided per GPU type per window of this many seconds. */
  readonly capacityWindowSeconds: number;
  /** Chance a GPU type has no capacity in a window, for one GPU; larger counts are scarcer. */
  readonly noCapacityProbability: number;
  /** Per-type overrides of `noCapacityProbability`. */
  readonly noCapacityByGpu: Readonly<Record<string, number>>;
  /** Chance a pod dies before its worker registers (the original's vanishing L40 pods). */
  readonly bootFailureProbability: number;
  /** Workers poll for jobs this often when idle (the original: 5 s). */
  readonly pollSeconds: number;
  /** A worker notices a shutdown request within this many seconds (its heartbeat). */
  readonly shutdownNoticeSeconds: number;
}

export const defaultWorld: WorldOptions = {
  seed: 1,
  speed: DEFAULT_SPEED_MODEL,
  bootSeconds: [45, 150],
  pullSecondsPerGb: 10,
  imageGb: { "ow-unsloth": 12, "ow-vllm": 8 },
  defaultImageGb: 10,
  createCallSeconds: 3,
  createErrorProbability: 0.05,
  podLifetimeHours: 24,
  capacityWindowSeconds: 600,
  noCapacityProbability: 0.1,
  noCapacityByGpu: { H100S: 0.25, H100N: 0.2, H200: 0.3, A100S: 0.2 },
  bootFailureProbability: 0.03,
  pollSeconds: 5,
  shutdownNoticeSeconds: 5,
};

/** The harder world's assumptions, each with the setting that turns it off (BENCHMARKS.md). */
export const WORLD_ASSUMPTIONS: ReadonlyArray<{ name: string; off: Partial<WorldOptions> }> = [
  { name: "GPU speeds from spec sheets", off: { speed: { ...DEFAULT_SPEED_MODEL, enabled: false } } },
  { name: "multi-GPU efficiency 0.85", off: { speed: { ...DEFAULT_SPEED_MODEL, multiGpuEfficiency: 1 } } },
  { name: "boot grows with image size", off: { pullSecondsPerGb: 0, bootSeconds: [90, 300] } },
  { name: "create calls take time and fail 5 %", off: { createCallSeconds: 0, createErrorProbability: 0 } },
  { name: "pods live at most 24 h", off: { podLifetimeHours: 0 } },
  { name: "GPU types run out of capacity", off: { noCapacityProbability: 0, noCapacityByGpu: {} } },
  { name: "3 % of pods die while booting", off: { bootFailureProbability: 0 } },
];

/** A uniform number in [0, 1) from the seed and any list of keys (cyrb53-style mixing). */
export function draw(seed: number, ...keys: ReadonlyArray<string | number>): number {
  const text = keys.join("\u0000");
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const bits = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return bits / 2 ** 53;
}

export class World {
  constructor(readonly options: WorldOptions) {}

  hasCapacity(gpu: string, count: number, atMs: number): boolean {
    const window = Math.floor(atMs / 1000 / this.options.capacityWindowSeconds);
    const base = this.options.noCapacityByGpu[gpu] ?? this.options.noCapacityProbability;
    const scarcity = Math.min(0.95, base * (1 + 0.5 * Math.log2(Math.max(1, count))));
    return draw(this.options.seed, "capacity", gpu, count, window) >= scarcity;
  }

  bootMs(workerKey: string, image: string, imageGb?: number): number {
    const [low, high] = this.options.bootSeconds;
    const size = imageGb ?? this.options.imageGb[image] ?? this.options.defaultImageGb;
    const base = low + (high - low) * draw(this.options.seed, "boot", workerKey);
    return Math.round((base + size * this.options.pullSecondsPerGb) * 1000);
  }

  /** Whether one create call fails transiently (keyed by the call, so both policies' nth call on a job agree). */
  createErrors(callKey: string): boolean {
    return draw(this.options.seed, "create-error", callKey) < this.options.createErrorProbability;
  }

  /** How long a job runs on a pod: its reference time scaled by the pods' relative speeds. */
  runMs(
    referenceMs: number,
    job: { vramGb: number; workload: Workload },
    pod: { gpu: string; count: number },
    referenceUsableVramGb: number,
  ): number {
    const model = this.options.speed;
    const reference = referencePodSpeed(job.vramGb, referenceUsableVramGb, job.workload, model);
    return Math.round((referenceMs * reference) / podSpeed(pod.gpu, pod.count, job.workload, model));
  }

  bootFails(workerKey: string): boolean {
    return draw(this.options.seed, "boot-failure", workerKey) < this.options.bootFailureProbability;
  }

  pollPhaseMs(workerKey: string): number {
    return Math.floor(draw(this.options.seed, "poll", workerKey) * this.options.pollSeconds * 1000);
  }
}
