// Random traces in the shapes of real use, for `npm run sim -- --family N`: research sweeps
// (bursts of fine-tunes, then evaluation jobs a few minutes apart), a diurnal stream of mixed
// jobs, long-tailed job lengths, a VRAM mix, users who pin hardware, and long-running API
// deployments. `randomShape` draws the parameters, `generateTrace` the jobs; both are seeded.
import { between, exponential, logNormal, mulberry32, pick, type Random } from "./random.ts";
import type { TraceJob } from "./trace.ts";

export interface TraceShape {
  readonly seed: number;
  readonly hours: number;
  readonly orgs: number;
  /** Starting + active workers each organization may have (both policies). */
  readonly orgCap: number;
  /** Sweeps per organization per day, and their size. */
  readonly sweepsPerDay: number;
  readonly sweepSize: readonly [number, number];
  /** Evaluation jobs after each sweep, seconds apart. */
  readonly evalsPerSweep: number;
  readonly evalSpacingSeconds: number;
  /** Background stream, jobs per hour at the daily mean; `diurnal` 0 = flat, 0.9 = nights nearly idle. */
  readonly streamPerHour: number;
  readonly diurnal: number;
  /** Job length on the reference GPU: log-normal median and spread (tails), seconds. */
  readonly durationMedian: number;
  readonly durationSigma: number;
  /** VRAM weights, GB → weight. */
  readonly vramMix: ReadonlyArray<readonly [number, number]>;
  /** Share of stream jobs that are inference (vLLM image). */
  readonly inferenceShare: number;
  /** Share of jobs that name their hardware. */
  readonly pinnedShare: number;
  /** Long-running API deployments (inference, hours each). */
  readonly deployments: number;
}

const VRAM_MIXES: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = [
  [[24, 1]],
  [
    [16, 2],
    [24, 5],
    [40, 2],
    [70, 1],
  ],
  [
    [8, 1],
    [24, 3],
    [48, 2],
    [80, 2],
    [160, 1],
  ],
  [
    [24, 2],
    [40, 2],
    [70, 3],
    [120, 1],
  ],
];

export function randomShape(seed: number): TraceShape {
  const r = mulberry32(seed);
  const low = Math.round(between(r, 2, 8));
  return {
    seed,
    hours: Math.round(between(r, 6, 24)),
    orgs: Math.round(between(r, 1, 4)),
    orgCap: pick(r, [
      [4, 1],
      [8, 3],
      [16, 1],
    ]),
    sweepsPerDay: pick(r, [
      [0, 1],
      [2, 2],
      [6, 2],
    ]),
    sweepSize: [low, low + Math.round(between(r, 0, 24))],
    evalsPerSweep: Math.round(between(r, 0, 10)),
    evalSpacingSeconds: between(r, 60, 420),
    streamPerHour: pick(r, [
      [0, 1],
      [3, 2],
      [10, 2],
      [30, 1],
    ]),
    diurnal: between(r, 0, 0.9),
    durationMedian: pick(r, [
      [300, 1],
      [900, 2],
      [1800, 2],
      [3600, 1],
    ]),
    durationSigma: between(r, 0.3, 1.5),
    vramMix: VRAM_MIXES[Math.floor(r() * VRAM_MIXES.length)] ?? [[24, 1]],
    inferenceShare: between(r, 0, 0.7),
    pinnedShare: pick(r, [
      [0, 2],
      [0.1, 2],
      [0.3, 1],
    ]),
    deployments: pick(r, [
      [0, 3],
      [1, 1],
      [3, 1],
    ]),
  };
}

/** Hardware a user might pin for a job of this size (1–3 choices, in the user's order). */
function pins(r: Random, vram: number): string[] {
  const names =
    vram <= 43
      ? ["1x A40", "1x 6000Ada", "1x A100", "1x H100S"]
      : vram <= 75
        ? ["1x A100", "1x A100S", "1x H100S", "1x H100N"]
        : vram <= 136
          ? ["1x H200", "2x A100", "2x H100S"]
          : ["2x H100S", "2x A100S", "4x A40"];
  const options = names.map((name) => [name, 1] as const);
  const count = Math.ceil(between(r, 0, 3)) || 1;
  const chosen = new Set<string>();
  while (chosen.size < Math.min(count, options.length)) chosen.add(pick(r, options));
  return [...chosen];
}

export function generateTrace(shape: TraceShape): TraceJob[] {
  const r = mulberry32(shape.seed * 7919 + 1);
  const end = shape.hours * 3600;
  const jobs: TraceJob[] = [];
  const orgs = Array.from({ length: shape.orgs }, (_, i) => `org-${i + 1}`);
  const length = () => Math.round(logNormal(r, shape.durationMedian, shape.durationSigma, 60, 12 * 3600));
  const vram = () => pick(r, shape.vramMix);
  const pinned = (v: number) => (r() < shape.pinnedShare ? pins(r, v) : undefined);
  const add = (job: Omit<TraceJob, "org" | "priority"> & { org: string }) =>
    jobs.push({ priority: 0, ...job, arrival: Math.round(job.arrival) });
  for (const org of orgs) {
    // Sweeps, each followed by evaluation jobs a few minutes apart.
    if (shape.sweepsPerDay > 0) {
      for (
        let t = exponential(r, 86400 / shape.sweepsPerDay);
        t < end;
        t += exponential(r, 86400 / shape.sweepsPerDay)
      ) {
        const size = Math.round(between(r, shape.sweepSize[0], shape.sweepSize[1]));
        const v = vram();
        const hw = pinned(v);
        const duration = length();
        for (let i = 0; i < size; i++) {
          const job = {
            arrival: t + between(r, 0, 60),
            duration: Math.round(duration * between(r, 0.8, 1.25)),
            vramGb: v,
          };
          add({ ...job, image: "ow-unsloth", org, kind: "training", ...(hw ? { allowedHardware: hw } : {}) });
        }
        let at = t + duration * 1.2;
        for (let i = 0; i < shape.evalsPerSweep; i++, at += exponential(r, shape.evalSpacingSeconds))
          add({
            arrival: at,
            duration: Math.round(between(r, 120, 900)),
            vramGb: 24,
            image: "ow-vllm",
            org,
            kind: "inference",
          });
      }
    }
    // A diurnal stream (thinning a Poisson process at the peak rate).
    const peak = (shape.streamPerHour * (1 + shape.diurnal)) / shape.orgs;
    if (peak > 0) {
      for (let t = exponential(r, 3600 / peak); t < end; t += exponential(r, 3600 / peak)) {
        const rate = 1 + shape.diurnal * Math.sin((2 * Math.PI * t) / 86400 - Math.PI / 2);
        if (r() * (1 + shape.diurnal) > rate) continue;
        const inference = r() < shape.inferenceShare;
        const v = vram();
        const hw = pinned(v);
        add({
          arrival: t,
          duration: length(),
          vramGb: v,
          image: inference ? "ow-vllm" : "ow-unsloth",
          org,
          kind: inference ? "inference" : "training",
          ...(hw ? { allowedHardware: hw } : {}),
        });
      }
    }
  }
  for (let i = 0; i < shape.deployments; i++) {
    const org = orgs[Math.floor(r() * orgs.length)] ?? "org-1";
    add({
      arrival: between(r, 0, end * 0.8),
      duration: Math.round(between(r, 2, 8) * 3600),
      vramGb: pick(r, [
        [24, 2],
        [48, 1],
        [80, 1],
      ]),
      image: "ow-vllm",
      org,
      kind: "inference",
    });
  }
  return jobs.sort((a, b) => a.arrival - b.arrival);
}
