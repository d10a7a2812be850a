// Deno entry of the `openai` function: read the environment once, serve, close the pool on exit.
import { parseFunctionEnv } from "../_shared/config/env.ts";
import { makeApp } from "./app.ts";
import { openAIDepsFromEnv } from "./deps.ts";
import { parseOpenAIEnv } from "./env.ts";

const raw = Deno.env.toObject();
const deps = await openAIDepsFromEnv(parseFunctionEnv(raw), parseOpenAIEnv(raw), (line) =>
  console.error(line),
);
const app = makeApp(deps);
addEventListener("unload", () => void deps.sql.end({ timeout: 1 }));
Deno.serve(app.fetch);
