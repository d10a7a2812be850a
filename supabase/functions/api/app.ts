// The public REST API (`/functions/v1/api`): SDK, CLI, dashboard and token exchange.
// Runtime-neutral: index.ts wires it for Deno; tests call makeApp(deps).request(...).
import { createBaseApp } from "../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, requireAuth } from "./context.ts";
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

export function makeApp(deps: ApiDeps) {
  const app = createBaseApp<ApiEnv>({ basePath: "/api", log: deps.log });
  app.get("/health", (c) => c.json({ ok: true }));
  app.route("/", authRoutes(deps));
  app.route("/", localFileRoutes(deps));
  for (const path of [
    "/tokens/*",
    "/tokens",
    "/members/*",
    "/members",
    "/organizations",
    "/organization/*",
    "/secrets/*",
    "/secrets",
    "/files/*",
    "/files",
    "/jobs/*",
    "/jobs",
    "/workers/*",
    "/workers",
    "/hardware",
  ]) {
    app.use(path, requireAuth(deps));
  }
  app.route("/", tokenRoutes(deps));
  app.route("/", memberRoutes(deps));
  app.route("/", organizationRoutes(deps));
  app.route("/", secretRoutes(deps));
  app.route("/", fileRoutes(deps));
  app.route("/", jobRoutes(deps));
  app.route("/", jobActivityRoutes(deps));
  app.route("/", workerRoutes(deps));
  return app;
}
