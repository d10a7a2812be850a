// The cooldown ladder and the spending-limit pause. The applier classifies a provider error with
// `classifyProvisioningFailure`; the database applies the ladder (internal.record_provisioning_failure,
// migration 20261204021000) and resets it when a pod starts (internal.worker_pod_created), as the
// original's record_success does. `nextCooldown` is the same ladder over in-memory rows for the
// simulator (scripts/sim); tests/db/cooldown-ladder-parity.test.ts holds it to the SQL one.
import type { ScalingConfig } from "./config.ts";
import type { EpochMs, HardwareCooldown } from "./types.ts";

export type FailureKind =
  /** The provider has no machine of this type now (RunPod "no longer any instances available"). */
  | "no_capacity"
  /** The pod was created but the worker never came up (the original's L40 pods that vanished). */
  | "startup_timeout"
  /** This account may not use this pool (RunPod v2 403). */
  | "not_accessible"
  /** Any other refusal of this request. */
  | "provider_error"
  /** Too many requests: not the GPU's fault; stop creating this tick, no cooldown. */
  | "rate_limited"
  /** The account's spending limit / balance: pause all provisioning for the organization. */
  | "spending_limit";

export type CooldownDecision =
  | {
      readonly scope: "hardware";
      readonly level: number;
      readonly failures: number;
      readonly until: EpochMs | null;
    }
  | { readonly scope: "organization"; readonly pausedUntil: EpochMs }
  | { readonly scope: "none" };

/** The ladder state of one (organization, gpu) row, as `nextCooldown` reads it. */
export type CooldownState = Pick<HardwareCooldown, "level" | "failures" | "until">;

type LadderConfig = Pick<
  ScalingConfig,
  "cooldownLadderSeconds" | "cooldownFailureThreshold" | "spendingLimitPauseSeconds"
>;

/** Seconds of cooldown for the given level (0 = first cooldown); the last rung repeats. */
export function ladderSeconds(level: number, ladder: readonly number[]): number {
  const index = Math.min(Math.max(0, Math.floor(level)), ladder.length - 1);
  return ladder[index] ?? 0;
}

/**
 * The row after one more failure of kind `kind` at `now`:
 * - `spending_limit` pauses the organization for `spendingLimitPauseSeconds`;
 * - `rate_limited` changes nothing;
 * - any other kind counts a failure; at `cooldownFailureThreshold` consecutive failures the GPU
 *   cools down for the current rung and the level goes up one. The failure counter starts
 *   afresh once a cooldown has expired; the level only resets on success (row deleted).
 */
export function nextCooldown(
  previous: CooldownState | null,
  kind: FailureKind,
  now: EpochMs,
  config: LadderConfig,
): CooldownDecision {
  if (kind === "spending_limit")
    return { scope: "organization", pausedUntil: now + config.spendingLimitPauseSeconds * 1000 };
  if (kind === "rate_limited") return { scope: "none" };
  const level = previous?.level ?? 0;
  const expired = previous?.until != null && previous.until <= now;
  const failures = (expired ? 0 : (previous?.failures ?? 0)) + 1;
  if (failures >= config.cooldownFailureThreshold) {
    return {
      scope: "hardware",
      level: level + 1,
      failures: 0,
      until: now + ladderSeconds(level, config.cooldownLadderSeconds) * 1000,
    };
  }
  const until = previous?.until != null && previous.until > now ? previous.until : null;
  return { scope: "hardware", level, failures, until };
}

/** On a successful create: the row is deleted (level and counter reset). */
export function afterSuccess(): null {
  return null;
}

export function isCoolingDown(cooldown: Pick<HardwareCooldown, "until"> | undefined, now: EpochMs): boolean {
  return cooldown?.until != null && cooldown.until > now;
}

const SPENDING_LIMIT =
  /spending limit|spend limit|budget limit|exceeded your|insufficient (balance|funds|credit)/i;
const NO_CAPACITY =
  /no longer any instances|no instances (are )?available|not enough (capacity|gpus|resources)|out of capacity|no capacity|enough disk space|no available (machines|gpus)/i;

/**
 * What a provider error means for the scaler. Messages are string-matched because neither RunPod
 * API gives a machine-readable code (GraphQL: HTTP 200 with `errors[].message`; REST v2: 400
 * `detail` for both bad requests and no capacity). The spending-limit phrases are the original's.
 */
export function classifyProvisioningFailure(error: {
  readonly status?: number;
  readonly message?: string;
}): FailureKind {
  const message = error.message ?? "";
  if (error.status === 402 || SPENDING_LIMIT.test(message)) return "spending_limit";
  if (error.status === 429) return "rate_limited";
  if (NO_CAPACITY.test(message)) return "no_capacity";
  if (error.status === 403) return "not_accessible";
  return "provider_error";
}

/** Index of the cooldown rows that apply: per (org, gpu) and deployment-wide (org null). */
export class CooldownIndex {
  private readonly rows = new Map<string, HardwareCooldown>();

  constructor(cooldowns: readonly HardwareCooldown[]) {
    for (const row of cooldowns) this.rows.set(`${row.organizationId ?? ""}\u0000${row.gpu}`, row);
  }

  /** Whether `gpu` (short name) is cooling down for `organizationId` at `now`. */
  cooling(organizationId: string, gpu: string, now: EpochMs): boolean {
    return (
      isCoolingDown(this.rows.get(`${organizationId}\u0000${gpu}`), now) ||
      isCoolingDown(this.rows.get(`\u0000${gpu}`), now)
    );
  }
}
