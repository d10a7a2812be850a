// Scaling policy settings, one zod schema with a default for each, so the `scale` function can
// parse overrides from its environment once and get every problem listed at once.
import { z } from "zod";

const Seconds = z.number().finite().nonnegative();

/** The original's ladder (OW_RUNPOD_HARDWARE_COOLDOWN_LADDER_SECONDS): 1 min → 6 h, last rung repeats. */
export const DEFAULT_COOLDOWN_LADDER_SECONDS = [60, 120, 300, 600, 1200, 2400, 4800, 9600, 21600] as const;

export const ScalingConfig = z.object({
  /** Provider new workers are created on. */
  provider: z.enum(["runpod", "local"]).default("runpod"),

  /**
   * An idle worker (no run, none of the pending jobs for it) is shut down once it has been idle
   * this long. The original waits 300 s. Ours is the expected cost of a cold start (≈ the 90–300 s
   * a pod takes to boot and pull the image): keeping a worker idle longer than a new one costs to
   * start is the classic rent-or-buy break-even. Tuned on scripts/sim traces (see BENCHMARKS.md).
   */
  idleTimeoutSeconds: Seconds.default(150),
  /** Never shut a worker down as idle before it is this old (lets a fresh pod claim its job). */
  startupGraceSeconds: Seconds.default(120),
  /** An active or shutting-down worker silent this long is lost (its lease reaper requeues its runs). */
  heartbeatTimeoutSeconds: Seconds.default(120),
  /** A worker still `starting` (never heartbeated) after this long is lost; its GPU gets a failure. */
  startupTimeoutSeconds: Seconds.default(900),
  /** A worker told to shut down that is still around after this long is lost (pod terminated). */
  shutdownTimeoutSeconds: Seconds.default(900),
  /** A live worker whose pod is missing from a complete provider list, once older than this, is lost. */
  podMissingGraceSeconds: Seconds.default(120),
  /** A pod tagged with no known worker is terminated only once older than this (or of unknown age). */
  orphanPodGraceSeconds: Seconds.default(120),

  /** Workers created per tick, all organizations together (bounds one tick's API calls). */
  maxCreatesPerTick: z.number().int().positive().default(50),
  /** Workers created per tick for one organization. */
  maxCreatesPerOrgPerTick: z.number().int().positive().default(16),
  /** Alternatives the applier may try when the first choice has no capacity. */
  maxFallbacks: z.number().int().nonnegative().default(2),
  /**
   * Most GPUs the scaler puts in one pod on its own (jobs that name their hardware are not
   * limited). 8 lets a 70 GB job run on 2× A40 ($0.88/h) rather than 1× A100 ($1.39/h); set 1
   * where jobs cannot shard across GPUs.
   */
  maxAutoGpuCount: z.number().int().positive().default(8),
  /** Organizations without a limits row may have this many starting + active workers. */
  defaultMaxWorkers: z.number().int().nonnegative().default(8),

  /**
   * A new worker must leave today's spend under `maxDailyUsd` even if the whole fleet (with it)
   * keeps running this many hours.
   */
  dailyBudgetHorizonHours: z.number().finite().positive().default(1),
  /**
   * When today's spend plus this many seconds of the fleet's burn reaches `maxDailyUsd`, every
   * worker of the org is told to shut down (running jobs get the worker's shutdown grace and are
   * requeued), so the daily cap holds even with busy workers.
   */
  dailyBudgetStopSeconds: Seconds.default(120),

  /** Cooldown ladder, seconds per rung; the last rung repeats. */
  cooldownLadderSeconds: z
    .array(Seconds)
    .min(1)
    .default([...DEFAULT_COOLDOWN_LADDER_SECONDS]),
  /**
   * Consecutive failures of a GPU type before it cools down. The original waits for 3; we cool
   * down on the first: RunPod's "no instances available" rarely clears within a minute, the
   * first rung is only 60 s, and the applier falls back to the next choice in the same tick.
   */
  cooldownFailureThreshold: z.number().int().positive().default(1),
  /** Provisioning pause after a spending-limit error (the original's 300 s). */
  spendingLimitPauseSeconds: Seconds.default(300),

  /**
   * Price per job, not per hour: a job goes to the hardware with the lowest expected cost,
   * price × (boot + its expected duration there), durations scaled by the speed model
   * (`../hardware/speed.ts`). False ranks by $/h alone (the earlier policy; for comparisons).
   */
  speedAware: z.boolean().default(true),
  /** Throughput kept per doubling of GPUs in one pod (see DEFAULT_SPEED_MODEL). */
  multiGpuEfficiency: z.number().gt(0).lte(1).default(0.85),
  /** Share of a training job's reference time bound by tensor throughput (the rest: bandwidth). */
  trainingComputeShare: z.number().min(0).max(1).default(0.75),
  /** The same for inference jobs (decoding is bandwidth-bound). */
  inferenceComputeShare: z.number().min(0).max(1).default(0.3),
  /**
   * A job's expected duration on the reference GPU (one A100 SXM) before anything is known about
   * its kind; only the boot's share of the expected cost depends on it.
   */
  expectedJobSeconds: Seconds.default(1800),
  /** Expected seconds from a create call to a registered worker (paid, and waited for). */
  expectedBootSeconds: Seconds.default(180),

  /**
   * Keep-warm learned from arrivals (keep-warm.ts). A cold start costs the boot's GPU time plus
   * this many times that time again for the user's wait (1: a second waited is worth a second of
   * the GPU); an idle worker is kept while the next job is expected sooner than that break-even.
   */
  coldStartWaitWeight: z.number().finite().nonnegative().default(1),
  /** Arrival gaps remembered per organization × image (oldest dropped first). */
  keepWarmSamples: z.number().int().min(2).max(256).default(64),
  /** Gaps needed before the learned rule replaces `idleTimeoutSeconds`. */
  keepWarmMinSamples: z.number().int().min(1).default(4),
  /** Learned idle timeouts stay within these bounds. */
  keepWarmMinIdleSeconds: Seconds.default(20),
  keepWarmMaxIdleSeconds: Seconds.default(1800),
});
export type ScalingConfig = z.infer<typeof ScalingConfig>;

export const defaultScalingConfig: ScalingConfig = ScalingConfig.parse({});
