// The `scale` function: POST /scale runs one tick. Called by pg_cron (through pg_net), kicked by
// the api after a submission, or by a local loop; all present OW_SCALE_SECRET as a bearer.

import { ApiError } from "../_shared/http/api-error.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";
import { createBaseApp } from "../_shared/http/base-app.ts";
import { runTick, type TickDeps } from "./tick.ts";

export interface ScaleDeps extends TickDeps {
  secret: string;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function makeApp(deps: ScaleDeps) {
  const app = createBaseApp<AppEnv>({ basePath: "/scale", log: deps.log });
  app.get("/health", (c) => c.json({ ok: true }));
  app.post("/", async (c) => {
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!constantTimeEqual(given, deps.secret))
      throw new ApiError(401, "unauthenticated", "the scale function needs its secret");
    const result = await runTick(deps);
    return c.json({
      skipped: result.skipped,
      tick_id: result.tickId,
      reaped: result.reaped,
      actions: result.actions.map((a) => ({
        kind: a.kind,
        organization_id: a.organizationId,
        worker_id: a.workerId,
        pod_id: a.podId,
        outcome: a.outcome,
        error: a.error ?? null,
      })),
    });
  });
  return app;
}
