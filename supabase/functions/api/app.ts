// The public REST API (`/functions/v1/api`): SDK, CLI, dashboard and token exchange.
// Runtime-neutral: index.ts wires it for Deno; tests call makeApp(deps).request(...).
// Every route is declared in contract/routes (request, response, who may call); this file only
// binds the handlers, and mountRoutes attaches auth and parsing from each declaration.
import { AccessRoutes, ALL_FUNCTION_ROUTES, API_ROUTES } from "../_shared/contract/routes/index.ts";
import { createBaseApp } from "../_shared/http/base-app.ts";
import { mountRoutes } from "../_shared/http/mount.ts";
import { openApiDocument } from "../_shared/http/openapi.ts";
import { type ApiDeps, type ApiEnv, apiAuthenticators, route } from "./context.ts";
import { authRoutes } from "./routes/auth.ts";
import { fileRoutes } from "./routes/files.ts";
import { jobActivityRoutes } from "./routes/job-activity.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { localFileRoutes } from "./routes/local-files.ts";
import { memberRoutes } from "./routes/members.ts";
import { organizationRoutes } from "./routes/organizations.ts";
import { secretRoutes } from "./routes/secrets.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { workerRoutes } from "./routes/workers.ts";

export type { ApiDeps };

/** Every handler of the function, each bound to its declaration (tests read this list). */
export function apiRoutes(deps: ApiDeps) {
  let document: Record<string, unknown> | undefined;
  return [
    route(AccessRoutes.health, async () => ({ ok: true as const })),
    route(AccessRoutes.openapi, async () => {
      document ??= openApiDocument(ALL_FUNCTION_ROUTES);
      return document;
    }),
    ...authRoutes(deps),
    ...localFileRoutes(deps),
    ...tokenRoutes(deps),
    ...memberRoutes(deps),
    ...organizationRoutes(deps),
    ...secretRoutes(deps),
    ...fileRoutes(deps),
    ...jobRoutes(deps),
    ...jobActivityRoutes(deps),
    ...workerRoutes(deps),
  ];
}

export function makeApp(deps: ApiDeps) {
  const app = createBaseApp<ApiEnv>({ basePath: API_ROUTES.basePath, log: deps.log });
  mountRoutes(app, apiRoutes(deps), {
    authenticate: apiAuthenticators(deps),
    declared: API_ROUTES.routes,
  });
  return app;
}
