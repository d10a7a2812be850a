/// <reference lib="deno.ns" />
// Local stand-in for Supabase's functions gateway (Deno): serves every function's Hono app at
// http://127.0.0.1:<port>/functions/v1/<name>, the URL shape hosted Supabase gives them, in one
// Deno process. Each function keeps its own dependencies (and database pool), as it would when
// deployed. On SIGTERM/SIGINT the pools are closed first: a Deno server holding an open postgres
// pool otherwise ignores SIGTERM.

import { parseFunctionEnv } from "../../supabase/functions/_shared/config/env.ts";
import { keepServingThroughStrayErrors } from "../../supabase/functions/_shared/db/keep-serving.ts";
import { makeApp as makeApi } from "../../supabase/functions/api/app.ts";
import { apiDepsFromEnv } from "../../supabase/functions/api/deps.ts";
import { makeApp as makeOpenAI } from "../../supabase/functions/openai/app.ts";
import { openAIDepsFromEnv } from "../../supabase/functions/openai/deps.ts";
import { parseOpenAIEnv } from "../../supabase/functions/openai/env.ts";
import { makeApp as makeWorkerApi } from "../../supabase/functions/worker-api/app.ts";
import { workerApiDepsFromEnv } from "../../supabase/functions/worker-api/deps.ts";
import { extraFunctions } from "./extra-functions.ts";

const raw = Deno.env.toObject();
const env = parseFunctionEnv(raw);
const port = Number(raw.OW_GATEWAY_PORT ?? "54321");
const log = (line: string) => console.error(line);
keepServingThroughStrayErrors(log);

const apiDeps = await apiDepsFromEnv(env, log);
const workerDeps = await workerApiDepsFromEnv(env, log);
const openAIDeps = await openAIDepsFromEnv(env, parseOpenAIEnv(raw), log);
const extra = await extraFunctions(env, raw, log);
const handlers: Record<string, (request: Request) => Response | Promise<Response>> = {
  api: makeApi(apiDeps).fetch,
  "worker-api": makeWorkerApi(workerDeps).fetch,
  openai: makeOpenAI(openAIDeps).fetch,
  ...extra.handlers,
};
const closers = [
  () => apiDeps.sql.end({ timeout: 2 }),
  () => workerDeps.sql.end({ timeout: 2 }),
  () => openAIDeps.sql.end({ timeout: 2 }),
  ...extra.closers,
];

const PREFIX = "/functions/v1/";

function route(request: Request): Response | Promise<Response> {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(PREFIX)) return notFound(url.pathname);
  const name = url.pathname.slice(PREFIX.length).split("/")[0] ?? "";
  const handler = handlers[name];
  if (!handler) return notFound(url.pathname);
  // Functions see the path without /functions/v1, as on Supabase.
  url.pathname = url.pathname.slice(PREFIX.length - 1);
  return handler(new Request(url, request));
}

function notFound(path: string): Response {
  return Response.json(
    { error: { code: "not_found", message: `no function serves ${path}`, request_id: "gateway" } },
    { status: 404 },
  );
}

const server = Deno.serve(
  {
    port,
    hostname: "127.0.0.1",
    onListen: () => console.log(`gateway listening on http://127.0.0.1:${port}${PREFIX}`),
  },
  route,
);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled(closers.map((close) => close()));
  await server.shutdown();
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
