// Deno entry of the `worker-api` function.

import { parseFunctionEnv } from "../_shared/config/env.ts";
import { keepServingThroughStrayErrors } from "../_shared/db/keep-serving.ts";
import { makeApp } from "./app.ts";
import { workerApiDepsFromEnv } from "./deps.ts";

keepServingThroughStrayErrors((line) => console.error(line));
const env = parseFunctionEnv(Deno.env.toObject());
const deps = await workerApiDepsFromEnv(env, (line) => console.error(line));
addEventListener("unload", () => void deps.sql.end({ timeout: 1 }));
Deno.serve(makeApp(deps).fetch);
