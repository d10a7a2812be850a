import { describe, expect, it } from "vitest";
import { cooldown, sec, T0 } from "../../../../tests/support/scaling-fixtures.ts";
import { defaultScalingConfig, ScalingConfig } from "./config.ts";
import {
  CooldownIndex,
  type CooldownState,
  classifyProvisioningFailure,
  isCoolingDown,
  ladderSeconds,
  nextCooldown,
} from "./cooldown.ts";

const config = defaultScalingConfig;

function hardware(decision: ReturnType<typeof nextCooldown>): CooldownState {
  if (decision.scope !== "hardware") throw new Error(`expected a hardware decision, got ${decision.scope}`);
  return decision;
}

describe("the cooldown ladder", () => {
  it("cools a GPU down for 60 s on its first failure, then climbs 120, 300, 600 s … on each new failure", () => {
    let state: CooldownState | null = null;
    let now = T0;
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      state = hardware(nextCooldown(state, "no_capacity", now, config));
      seen.push(((state.until ?? 0) - now) / 1000);
      now = state.until ?? now; // next failure right when the cooldown ends
    }
    expect(seen).toEqual([60, 120, 300, 600, 1200]);
    expect(state?.level).toBe(5);
  });

  it("repeats the last rung (6 h) forever", () => {
    expect(ladderSeconds(8, config.cooldownLadderSeconds)).toBe(21600);
    expect(ladderSeconds(100, config.cooldownLadderSeconds)).toBe(21600);
    const state = hardware(nextCooldown({ level: 42, failures: 0, until: null }, "no_capacity", T0, config));
    expect(state.until).toBe(T0 + sec(21600));
  });

  it("waits for the configured number of consecutive failures before cooling down", () => {
    const three = ScalingConfig.parse({ cooldownFailureThreshold: 3 });
    const first = hardware(nextCooldown(null, "no_capacity", T0, three));
    expect(first).toEqual({ scope: "hardware", level: 0, failures: 1, until: null });
    const second = hardware(nextCooldown(first, "provider_error", T0 + 1, three));
    expect(second.failures).toBe(2);
    expect(isCoolingDown(second, T0 + 1)).toBe(false);
    const third = hardware(nextCooldown(second, "startup_timeout", T0 + 2, three));
    expect(third).toEqual({ scope: "hardware", level: 1, failures: 0, until: T0 + 2 + sec(60) });
  });

  it("starts the failure count afresh once a cooldown has expired, but keeps the level", () => {
    const three = ScalingConfig.parse({ cooldownFailureThreshold: 3 });
    const expired = { level: 2, failures: 2, until: T0 - 1 };
    const after = hardware(nextCooldown(expired, "no_capacity", T0, three));
    expect(after).toEqual({ scope: "hardware", level: 2, failures: 1, until: null });
  });

  it("keeps an active cooldown while failures below the threshold accumulate", () => {
    const three = ScalingConfig.parse({ cooldownFailureThreshold: 3 });
    const active = { level: 1, failures: 0, until: T0 + sec(30) };
    expect(hardware(nextCooldown(active, "no_capacity", T0, three)).until).toBe(T0 + sec(30));
  });

  it("pauses the whole organization on a spending-limit error instead of blaming the GPU", () => {
    expect(nextCooldown({ level: 3, failures: 0, until: null }, "spending_limit", T0, config)).toEqual({
      scope: "organization",
      pausedUntil: T0 + sec(300),
    });
  });

  it("does nothing on a rate limit", () => {
    expect(nextCooldown(null, "rate_limited", T0, config)).toEqual({ scope: "none" });
  });

  it("follows a custom ladder", () => {
    const custom = ScalingConfig.parse({ cooldownLadderSeconds: [5, 10] });
    const a = hardware(nextCooldown(null, "no_capacity", T0, custom));
    const b = hardware(nextCooldown(a, "no_capacity", T0 + sec(5), custom));
    const c = hardware(nextCooldown(b, "no_capacity", T0 + sec(15), custom));
    expect([a.until, b.until, c.until]).toEqual([T0 + sec(5), T0 + sec(15), T0 + sec(25)]);
  });
});

describe("classifying provider errors", () => {
  it("recognises RunPod's capacity messages", () => {
    const message =
      "There are no longer any instances available with the requested specifications. Please refresh and try again.";
    expect(classifyProvisioningFailure({ message })).toBe("no_capacity");
    expect(
      classifyProvisioningFailure({ status: 400, message: "no instances available with enough disk space" }),
    ).toBe("no_capacity");
  });

  it("recognises the original's spending-limit phrases and HTTP 402", () => {
    for (const message of [
      "You have hit your spending limit",
      "Spend limit reached",
      "budget limit",
      "You have exceeded your balance",
    ]) {
      expect(classifyProvisioningFailure({ message })).toBe("spending_limit");
    }
    expect(classifyProvisioningFailure({ status: 402, message: "Payment Required" })).toBe("spending_limit");
  });

  it("separates rate limits, forbidden pools and everything else", () => {
    expect(classifyProvisioningFailure({ status: 429, message: "slow down" })).toBe("rate_limited");
    expect(classifyProvisioningFailure({ status: 403, message: "pool not accessible" })).toBe(
      "not_accessible",
    );
    expect(classifyProvisioningFailure({ status: 500, message: "boom" })).toBe("provider_error");
    expect(classifyProvisioningFailure({})).toBe("provider_error");
  });
});

describe("the cooldown index", () => {
  it("applies an org's own rows and deployment-wide rows, and ignores expired ones", () => {
    const index = new CooldownIndex([
      cooldown("H100S", { organizationId: "org-a" }),
      cooldown("A40", { organizationId: null }),
      cooldown("H200", { organizationId: "org-a", until: T0 - 1 }),
    ]);
    expect(index.cooling("org-a", "H100S", T0)).toBe(true);
    expect(index.cooling("org-b", "H100S", T0)).toBe(false);
    expect(index.cooling("org-b", "A40", T0)).toBe(true);
    expect(index.cooling("org-a", "H200", T0)).toBe(false);
    expect(index.cooling("org-a", "H100S", T0 + sec(60))).toBe(false);
  });
});
