// The original OpenWeights' in-memory hardware registry (`RunpodHardwareRegistry`, v0.11), one per
// organization manager process. Only the simulator's baseline uses it. Faithful to reference §5:
// only verified GPUs, only 1× configurations, tiers keyed by `memoryInGb − 5`, ascending tiers,
// cheapest first within a tier; 3 consecutive failures of a hardware string → cooldown on the
// ladder; level resets on success; the failure counter resets when a cooldown expires; a
// spending-limit message pauses all provisioning for 300 s and does not count as a failure.
import type { HardwareCatalog } from "../../../supabase/functions/_shared/hardware/catalog.ts";
import { DEFAULT_COOLDOWN_LADDER_SECONDS } from "../../../supabase/functions/_shared/scaling/config.ts";
import type { EpochMs } from "../../../supabase/functions/_shared/scaling/types.ts";

export const ORIGINAL_REGISTRY_DEFAULTS = {
  failureThreshold: 3,
  ladderSeconds: DEFAULT_COOLDOWN_LADDER_SECONDS as readonly number[],
  spendingLimitPauseSeconds: 300,
};

const SPENDING_LIMIT_PATTERNS = ["spending limit", "spend limit", "budget limit", "exceeded your"];

interface FailureState {
  consecutiveFailures: number;
  cooldownUntil: EpochMs | null;
  level: number;
}

interface OrgRegistry {
  readonly hardware: Map<string, FailureState>;
  spendingPauseUntil: EpochMs;
}

export class OriginalRegistry {
  private readonly orgs = new Map<string, OrgRegistry>();

  constructor(private readonly settings = ORIGINAL_REGISTRY_DEFAULTS) {}

  private org(organizationId: string): OrgRegistry {
    let registry = this.orgs.get(organizationId);
    if (!registry) {
      registry = { hardware: new Map(), spendingPauseUntil: 0 };
      this.orgs.set(organizationId, registry);
    }
    return registry;
  }

  /** `_is_on_cooldown`: an expired cooldown clears itself and the failure counter. */
  onCooldown(organizationId: string, hardwareType: string, now: EpochMs): boolean {
    const state = this.org(organizationId).hardware.get(hardwareType);
    if (!state || state.cooldownUntil === null) return false;
    if (now >= state.cooldownUntil) {
      state.cooldownUntil = null;
      state.consecutiveFailures = 0;
      return false;
    }
    return true;
  }

  isSpendingPaused(organizationId: string, now: EpochMs): boolean {
    return now < this.org(organizationId).spendingPauseUntil;
  }

  /** `get_candidate_hardware(required_vram, allowed_hardware)`, hardware strings in order. */
  candidates(
    organizationId: string,
    requiredVram: number,
    allowedHardware: readonly string[] | null,
    catalog: HardwareCatalog,
    now: EpochMs,
  ): string[] {
    if (allowedHardware && allowedHardware.length > 0) {
      return allowedHardware.filter((hw) => !this.onCooldown(organizationId, hw, now));
    }
    const tiers = new Map<number, Array<{ hw: string; price: number }>>();
    for (const gpu of catalog.gpus) {
      if (!gpu.verified) continue;
      const hw = `1x ${gpu.short}`;
      if (this.onCooldown(organizationId, hw, now)) continue;
      const tier = gpu.memoryGb - 5;
      const entries = tiers.get(tier) ?? [];
      entries.push({ hw, price: gpu.pricePerGpuHour });
      tiers.set(tier, entries);
    }
    const result: string[] = [];
    for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
      if (requiredVram > tier) continue;
      const entries = (tiers.get(tier) ?? []).sort((a, b) => a.price - b.price || (a.hw < b.hw ? -1 : 1));
      result.push(...entries.map((entry) => entry.hw));
    }
    return result;
  }

  recordSuccess(organizationId: string, hardwareType: string): void {
    const state = this.org(organizationId).hardware.get(hardwareType);
    if (!state) return;
    state.consecutiveFailures = 0;
    state.cooldownUntil = null;
    state.level = 0;
  }

  /** `record_failure`; returns whether a cooldown was applied. */
  recordFailure(organizationId: string, hardwareType: string, message: string, now: EpochMs): boolean {
    const registry = this.org(organizationId);
    const lower = message.toLowerCase();
    if (SPENDING_LIMIT_PATTERNS.some((pattern) => lower.includes(pattern))) {
      registry.spendingPauseUntil = now + this.settings.spendingLimitPauseSeconds * 1000;
      return false;
    }
    const state = registry.hardware.get(hardwareType) ?? {
      consecutiveFailures: 0,
      cooldownUntil: null,
      level: 0,
    };
    registry.hardware.set(hardwareType, state);
    state.consecutiveFailures += 1;
    if (state.consecutiveFailures < this.settings.failureThreshold) return false;
    const ladder = this.settings.ladderSeconds;
    const seconds = ladder[Math.min(state.level, ladder.length - 1)] ?? 0;
    state.cooldownUntil = now + seconds * 1000;
    state.consecutiveFailures = 0;
    state.level += 1;
    return true;
  }
}
