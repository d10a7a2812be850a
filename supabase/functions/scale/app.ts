// The `scale` function: POST /scale runs one tick. Called by pg_cron (through pg_net), kicked by
// the api after a submission, or by a local loop; all present OW_SCALE_SECRET as a bearer.
// Routes are declared in contract/routes/scale.ts; this file binds the handlers.
import type { Context } from "hono";
import { SCALE_ROUTES, ScaleRoutes } from "../_shared/contract/routes/index.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";
import { createBaseApp } from "../_shared/http/base-app.ts";
import { noAuthentication, secretAuthenticator } from "../_shared/http/callers.ts";
import { implementer } from "../_shared/http/define-route.ts";
import { mountRoutes } from "../_shared/http/mount.ts";
import { runTick, type TickDeps } from "./tick.ts";

export interface ScaleDeps extends TickDeps {
  secret: string;
}

const route = implementer<Context<AppEnv>>();

/** Every handler of the function, each bound to its declaration. */
export function scaleRoutes(deps: ScaleDeps) {
  return [
    route(ScaleRoutes.health, async () => ({ ok: true as const })),
    route(ScaleRoutes.tick, async () => {
      const result = await runTick(deps);
      return {
        skipped: result.skipped,
        tick_id: result.tickId,
        reaped: result.reaped,
        staging_swept: result.stagingSwept,
        actions: result.actions.map((a) => ({
          kind: a.kind,
          organization_id: a.organizationId,
          worker_id: a.workerId,
          pod_id: a.podId,
          outcome: a.outcome,
          error: a.error ?? null,
        })),
      };
    }),
  ];
}

export function makeApp(deps: ScaleDeps) {
  const app = createBaseApp<AppEnv>({ basePath: SCALE_ROUTES.basePath, log: deps.log });
  mountRoutes(app, scaleRoutes(deps), {
    authenticate: { public: noAuthentication, cron: secretAuthenticator(() => deps.secret) },
    declared: SCALE_ROUTES.routes,
  });
  return app;
}
