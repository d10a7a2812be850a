// Deno entry of the `scale` function.
import { parseFunctionEnv } from "../_shared/config/env.ts";
import { keepServingThroughStrayErrors } from "../_shared/db/keep-serving.ts";
import { makeApp } from "./app.ts";
import { scaleDepsFromEnv } from "./deps.ts";
import { parseScaleEnv } from "./env.ts";

keepServingThroughStrayErrors((line) => console.error(line));
const raw = Deno.env.toObject();
const deps = await scaleDepsFromEnv(parseFunctionEnv(raw), parseScaleEnv(raw), (line) => console.error(line));
addEventListener("unload", () => void deps.sql.end({ timeout: 1 }));
Deno.serve(makeApp(deps).fetch);
