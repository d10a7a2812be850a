// The scaling policy: planScaling(snapshot, catalog, config, now) → actions. See plan.ts.
export * from "./config.ts";
export * from "./cooldown.ts";
export * from "./keep-warm.ts";
export { planScaling } from "./plan.ts";
export * from "./types.ts";
