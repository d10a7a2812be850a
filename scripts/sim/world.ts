// The simulated outside world: how long pods take to boot, which GPU types have capacity when,
// which pods die before their worker starts. Every draw is a hash of (seed, what, key), not a
// stream, so both policies meet the same world: a GPU type that is sold out from minute 20 to
// 30 is sold out for both, and the pod for job-0042's first worker boots equally fast for both.

export interface WorldOptions {
  readonly seed: number;
  /** Pod boot + image pull + worker registration, seconds (uniform). */
  readonly bootSeconds: readonly [number, number];
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
  bootSeconds: [90, 300],
  capacityWindowSeconds: 600,
  noCapacityProbability: 0.1,
  noCapacityByGpu: { H100S: 0.25, H100N: 0.2, H200: 0.3, A100S: 0.2 },
  bootFailureProbability: 0.03,
  pollSeconds: 5,
  shutdownNoticeSeconds: 5,
};

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

  bootMs(workerKey: string): number {
    const [low, high] = this.options.bootSeconds;
    return Math.round((low + (high - low) * draw(this.options.seed, "boot", workerKey)) * 1000);
  }

  bootFails(workerKey: string): boolean {
    return draw(this.options.seed, "boot-failure", workerKey) < this.options.bootFailureProbability;
  }

  pollPhaseMs(workerKey: string): number {
    return Math.floor(draw(this.options.seed, "poll", workerKey) * this.options.pollSeconds * 1000);
  }
}
