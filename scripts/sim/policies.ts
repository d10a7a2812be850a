// The two policies the simulator compares, behind one small interface. Each keeps the state its
// real counterpart keeps between ticks: ours, the `hardware_cooldowns` rows the scale function
// persists; the original, its in-memory hardware registry.
import type { HardwareCatalog } from "../../supabase/functions/_shared/hardware/catalog.ts";
import { defaultScalingConfig, type ScalingConfig } from "../../supabase/functions/_shared/scaling/config.ts";
import { type FailureKind, nextCooldown } from "../../supabase/functions/_shared/scaling/cooldown.ts";
import {
  type KeepWarmState,
  keepWarmKey,
  type UpdateKeepWarmAction,
} from "../../supabase/functions/_shared/scaling/keep-warm.ts";
import { planScaling } from "../../supabase/functions/_shared/scaling/plan.ts";
import type {
  HardwareChoice,
  HardwareCooldown,
  ScalingAction,
  ScalingSnapshot,
} from "../../supabase/functions/_shared/scaling/types.ts";
import { ORIGINAL_CONSTANTS, planOriginal } from "./original/original-policy.ts";
import { OriginalRegistry } from "./original/original-registry.ts";

export interface SimPolicy {
  readonly name: string;
  /** Seconds between scheduled ticks. */
  readonly tickSeconds: number;
  /** Whether a job submission triggers a tick (our api kicks the scale function). */
  readonly kickOnSubmit: boolean;
  /**
   * How a worker leaves once told to shut down. Ours reports `terminated` and the scaler
   * terminates the pod on its next tick (pods hold no RunPod key). The original's worker
   * terminates its own pod and its row stays `shutdown` until the manager reaps it as silent.
   */
  readonly workerExit: "report" | "self_terminate";
  /**
   * Seconds spent on a GPU type the provider refused before the next choice is tried: ours moves
   * on at once (it cools the type down); the original retries the same type for up to 60 s.
   */
  readonly refusalRetrySeconds: number;
  cooldowns(): HardwareCooldown[];
  /** Learned keep-warm rows (ours persists them like the cooldowns; the original has none). */
  keepWarm(): KeepWarmState[];
  /** Writes what an `update_keep_warm` action says. */
  recordKeepWarm(action: UpdateKeepWarmAction): void;
  plan(snapshot: ScalingSnapshot, now: number): ScalingAction[];
  onCreateFailure(organizationId: string, choice: HardwareChoice, kind: FailureKind, now: number): void;
  onCreateSuccess(organizationId: string, choice: HardwareChoice, now: number): void;
  /** A worker marked lost that never started: its GPU type failed to start. */
  onStartupFailure(organizationId: string, gpu: string, now: number): void;
}

export interface OurPolicyOptions {
  readonly config?: ScalingConfig;
  readonly tickSeconds?: number;
  readonly kickOnSubmit?: boolean;
}

export function ourPolicy(catalog: HardwareCatalog, options: OurPolicyOptions = {}): SimPolicy {
  const config = options.config ?? defaultScalingConfig;
  const rows = new Map<string, HardwareCooldown>();
  const warm = new Map<string, KeepWarmState>();
  const fail = (organizationId: string, gpu: string, kind: FailureKind, now: number) => {
    const key = `${organizationId}\u0000${gpu}`;
    const decision = nextCooldown(rows.get(key) ?? null, kind, now, config);
    if (decision.scope === "hardware") rows.set(key, { organizationId, gpu, ...decision });
  };
  return {
    name: "ours",
    tickSeconds: options.tickSeconds ?? 30,
    kickOnSubmit: options.kickOnSubmit ?? true,
    workerExit: "report",
    refusalRetrySeconds: 0,
    cooldowns: () => [...rows.values()],
    keepWarm: () => [...warm.values()],
    recordKeepWarm: ({ kind: _kind, ...state }) => {
      warm.set(keepWarmKey(state.organizationId, state.image), state);
    },
    plan: (snapshot, now) => planScaling(snapshot, catalog, config, now),
    onCreateFailure: (organizationId, choice, kind, now) => fail(organizationId, choice.gpu, kind, now),
    onCreateSuccess: (organizationId, choice) => {
      rows.delete(`${organizationId}\u0000${choice.gpu}`);
    },
    onStartupFailure: (organizationId, gpu, now) => fail(organizationId, gpu, "startup_timeout", now),
  };
}

const NO_CAPACITY_MESSAGE =
  "There are no longer any instances available with the requested specifications. Please refresh and try again.";

export function originalPolicy(catalog: HardwareCatalog): SimPolicy {
  const registry = new OriginalRegistry();
  return {
    name: "original",
    tickSeconds: ORIGINAL_CONSTANTS.pollIntervalSeconds,
    kickOnSubmit: false,
    workerExit: "self_terminate",
    refusalRetrySeconds: 60,
    cooldowns: () => [],
    keepWarm: () => [],
    recordKeepWarm: () => {},
    plan: (snapshot, now) => planOriginal(snapshot, catalog, registry, now),
    onCreateFailure: (organizationId, choice, _kind, now) => {
      registry.recordFailure(organizationId, choice.hardwareType, NO_CAPACITY_MESSAGE, now);
    },
    onCreateSuccess: (organizationId, choice) => registry.recordSuccess(organizationId, choice.hardwareType),
    onStartupFailure: () => {},
  };
}
