// Deno entry of the `api` function: read the environment once, serve, close the pool on exit.

import { parseFunctionEnv } from "../_shared/config/env.ts";
import { keepServingThroughStrayErrors } from "../_shared/db/keep-serving.ts";
import { makeApp } from "./app.ts";
import { apiDepsFromEnv } from "./deps.ts";

keepServingThroughStrayErrors((line) => console.error(line));
const env = parseFunctionEnv(Deno.env.toObject());
const deps = await apiDepsFromEnv(env, (line) => console.error(line));
const app = makeApp(deps);
addEventListener("unload", () => void deps.sql.end({ timeout: 1 }));
Deno.serve(app.fetch);
