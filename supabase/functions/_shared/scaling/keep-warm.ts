// Keep-warm learned from arrivals. Per organization × image the scaler remembers the recent gaps
// between job arrivals (persisted in `keep_warm_state`, like the cooldowns; the snapshot carries
// it, `update_keep_warm` actions write it). An idle worker no pending job needs is a bet that the
// next job comes soon: keeping it costs its price for every second it waits; releasing it costs a
// cold start when the job comes — the boot's GPU time plus the user's wait, `B` seconds of price
// (rent-or-buy). Given that `e` seconds have passed since the last arrival, the gaps longer than
// `e` say when the next job is due; the worker is kept if, for some horizon T within the bounds,
//   P(next job within T) · B  >  E[seconds idle until the job or T]
// i.e. while the expected next job arrives sooner than a cold boot's break-even, and released
// otherwise. Price cancels out, so the rule is the same for every GPU. Too few gaps seen: the
// fixed `idleTimeoutSeconds` applies.
import type { ScalingConfig } from "./config.ts";
import type { EpochMs } from "./types.ts";

export interface KeepWarmState {
  readonly organizationId: string;
  readonly image: string;
  /** Recent gaps between arrivals, seconds, oldest first. */
  readonly gapsSeconds: readonly number[];
  /** The latest arrival folded in. */
  readonly lastArrivalAt: EpochMs | null;
}

/** Jobs of one organization × image created after its state's `lastArrivalAt`. */
export interface Arrivals {
  readonly organizationId: string;
  readonly image: string;
  readonly createdAt: readonly EpochMs[];
}

export interface UpdateKeepWarmAction {
  readonly kind: "update_keep_warm";
  readonly organizationId: string;
  readonly image: string;
  readonly gapsSeconds: readonly number[];
  readonly lastArrivalAt: EpochMs | null;
}

type KeepWarmConfig = Pick<
  ScalingConfig,
  "expectedBootSeconds" | "coldStartWaitWeight" | "keepWarmMinSamples" | "keepWarmMaxIdleSeconds"
>;

export function keepWarmKey(organizationId: string, image: string): string {
  return `${organizationId}\u0000${image}`;
}

/** The state after new arrivals: their gaps appended (the oldest dropped past `keepWarmSamples`). */
export function foldArrivals(
  previous: KeepWarmState | undefined,
  arrivals: Arrivals,
  config: Pick<ScalingConfig, "keepWarmSamples">,
): KeepWarmState {
  let last = previous?.lastArrivalAt ?? null;
  const times = arrivals.createdAt;
  // The snapshot lists them in order; sort only if it did not.
  const ordered = times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)
    ? times
    : [...times].sort((a, b) => a - b);
  const fresh: number[] = [];
  for (const at of ordered) {
    if (last !== null && at <= last) continue;
    if (last !== null) fresh.push(Math.round((at - last) / 100) / 10);
    last = at;
  }
  const kept = previous?.gapsSeconds ?? [];
  const gaps = fresh.length === 0 ? kept : kept.concat(fresh);
  return {
    organizationId: arrivals.organizationId,
    image: arrivals.image,
    gapsSeconds:
      gaps.length > config.keepWarmSamples ? gaps.slice(gaps.length - config.keepWarmSamples) : gaps,
    lastArrivalAt: last,
  };
}

/** Horizons tried, seconds (up to `keepWarmMaxIdleSeconds`). */
const HORIZONS = [15, 30, 60, 120, 180, 240, 360, 480, 720, 900, 1200, 1800, 2700, 3600];

export interface KeepWarmDecision {
  /** Keep idle workers (up to `workers` of them) for now. */
  readonly keep: boolean;
  /** How many idle workers the expected arrivals justify. */
  readonly workers: number;
  /** Learned: the horizon worth waiting from now, seconds (0 = release); null = fixed timeout. */
  readonly horizonSeconds: number | null;
}

/** Whether idle workers of this organization × image are worth keeping at `now`. */
export function decideKeepWarm(
  state: KeepWarmState | undefined,
  now: EpochMs,
  config: KeepWarmConfig,
): KeepWarmDecision {
  const gaps = state?.gapsSeconds ?? [];
  if (!state || state.lastArrivalAt === null || gaps.length < config.keepWarmMinSamples)
    return { keep: true, workers: Number.POSITIVE_INFINITY, horizonSeconds: null };
  const elapsed = Math.max(0, (now - state.lastArrivalAt) / 1000);
  const remaining = gaps.filter((g) => g > elapsed).map((g) => g - elapsed);
  if (remaining.length === 0) return { keep: false, workers: 0, horizonSeconds: 0 };
  const breakEven = config.expectedBootSeconds * (1 + config.coldStartWaitWeight);
  let best = 0;
  let bestHorizon = 0;
  for (const horizon of HORIZONS) {
    if (horizon > config.keepWarmMaxIdleSeconds) break;
    let net = 0;
    for (const r of remaining) net += (r <= horizon ? breakEven : 0) - Math.min(r, horizon);
    if (net > best) {
      best = net;
      bestHorizon = horizon;
    }
  }
  if (bestHorizon === 0) return { keep: false, workers: 0, horizonSeconds: 0 };
  // Jobs expected within the break-even window (its length over the mean gap, times the chance
  // the stream goes on): one warm worker for each job a cold boot would otherwise delay.
  const within = remaining.filter((r) => r <= breakEven).length / remaining.length;
  const meanGap = gaps.reduce((sum, g) => sum + g, 0) / gaps.length;
  const expected = (within * breakEven) / Math.max(1, meanGap);
  return { keep: true, workers: Math.max(1, Math.round(expected)), horizonSeconds: bestHorizon };
}

/**
 * Jobs of this organization × image expected to arrive within `horizonSeconds` of `now`: the
 * horizon over the mean gap, times the share of past gaps longer than the time since the last
 * arrival (the chance the stream has not ended). 0 until `keepWarmMinSamples` gaps are known.
 */
export function expectedArrivals(
  state: KeepWarmState | undefined,
  now: EpochMs,
  horizonSeconds: number,
  config: Pick<ScalingConfig, "keepWarmMinSamples">,
): number {
  const gaps = state?.gapsSeconds ?? [];
  if (!state || state.lastArrivalAt === null || gaps.length < config.keepWarmMinSamples) return 0;
  const elapsed = Math.max(0, (now - state.lastArrivalAt) / 1000);
  const going = gaps.filter((g) => g > elapsed).length / gaps.length;
  const meanGap = gaps.reduce((sum, g) => sum + g, 0) / gaps.length;
  return (going * horizonSeconds) / Math.max(1, meanGap);
}
