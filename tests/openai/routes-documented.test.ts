// Every route the openai function declares is listed in docs/openai-compatibility.md, and the
// docs list no route that does not exist.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { openAIRoutes } from "../../supabase/functions/openai/app.ts";
import type { OpenAIDeps } from "../../supabase/functions/openai/context.ts";

it("the compatibility guide lists exactly the declared routes", () => {
  const declared = openAIRoutes({} as OpenAIDeps)
    .map((r) => `${r.method.toUpperCase()} /v1${r.path.replace("{.+}", "")}`)
    .sort();
  const docs = readFileSync(new URL("../../docs/openai-compatibility.md", import.meta.url), "utf8");
  const documented = [...docs.matchAll(/^\|[^|]*\| `((?:GET|POST|DELETE) \/v1\/[^`]*)`/gm)]
    .map((m) => m[1])
    .sort();
  expect(documented).toEqual(declared);
  for (const r of openAIRoutes({} as OpenAIDeps)) expect(r.who).toBe("member");
});
