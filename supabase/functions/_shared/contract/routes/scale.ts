// The scaler's routes (`/functions/v1/scale`): one tick per POST, called by pg_cron through
// pg_net, kicked by the api after a submission, or by a local loop.
import { z } from "zod";
import { defineRoute } from "../../http/define-route.ts";
import { Health } from "./api-access.ts";

export const ScaleActionOutcome = z.object({
  kind: z.string(),
  organization_id: z.string().nullable(),
  worker_id: z.string().nullable(),
  pod_id: z.string().nullable(),
  outcome: z.enum(["applied", "failed", "skipped"]),
  error: z.string().nullable(),
});

export const ScaleTickResult = z.object({
  /** Another tick held the advisory lock, so this one did nothing. */
  skipped: z.boolean(),
  tick_id: z.string(),
  reaped: z.number(),
  /** Staged uploads nobody finalized, deleted once older than OW_STAGING_MAX_AGE_SECONDS. */
  staging_swept: z.number(),
  actions: z.array(ScaleActionOutcome),
});

export const ScaleRoutes = {
  health: defineRoute({
    name: "scale.health",
    method: "get",
    path: "/health",
    summary: "Liveness",
    who: "public",
    response: Health,
  }),
  tick: defineRoute({
    name: "scale.tick",
    method: "post",
    path: "/",
    summary: "Run one scaler tick: reap leases, plan, apply, sweep stale staged uploads",
    who: "cron",
    response: ScaleTickResult,
  }),
} as const;
