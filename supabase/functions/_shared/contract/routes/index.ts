// Every route of the api, worker-api and scale functions, by function: what the OpenAPI document,
// docs/http-api.md, the SDK's request types and the route tests are made from.
import type { AnyContract } from "../../http/define-route.ts";
import { AccessRoutes } from "./api-access.ts";
import { FileRoutes } from "./api-files.ts";
import { JobRoutes, WorkerRoutes } from "./api-jobs.ts";
import { ScaleRoutes } from "./scale.ts";
import { WorkerApiRoutes } from "./worker-api.ts";

export * from "./api-access.ts";
export * from "./api-files.ts";
export * from "./api-jobs.ts";
export * from "./scale.ts";
export * from "./worker-api.ts";

export interface FunctionRoutes {
  /** The function's name, its path under /functions/v1. */
  name: "api" | "worker-api" | "scale";
  /** Hono base path of the function's app. */
  basePath: string;
  description: string;
  routes: readonly AnyContract[];
}

export const API_ROUTES: FunctionRoutes = {
  name: "api",
  basePath: "/api",
  description: "The public REST API: SDK, CLI, dashboard and token exchange",
  routes: [
    ...Object.values(AccessRoutes),
    ...Object.values(JobRoutes),
    ...Object.values(WorkerRoutes),
    ...Object.values(FileRoutes),
  ],
};

export const WORKER_API_ROUTES: FunctionRoutes = {
  name: "worker-api",
  basePath: "/worker-api",
  description: "The worker protocol: register, heartbeat, claim, logs, events, results, complete",
  routes: Object.values(WorkerApiRoutes),
};

export const SCALE_ROUTES: FunctionRoutes = {
  name: "scale",
  basePath: "/scale",
  description: "The cron-triggered scaler",
  routes: Object.values(ScaleRoutes),
};

export const ALL_FUNCTION_ROUTES: readonly FunctionRoutes[] = [API_ROUTES, WORKER_API_ROUTES, SCALE_ROUTES];
