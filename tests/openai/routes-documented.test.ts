// Every OpenAI route the openai function declares (contract/routes/openai.ts) is listed in
// docs/openai-compatibility.md, and the docs list no route that does not exist. Its one public
// route, /health, is ours rather than OpenAI's and is not in the guide.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { OPENAI_ROUTES } from "../../supabase/functions/_shared/contract/routes/openai.ts";

const openAIShaped = OPENAI_ROUTES.filter((r) => r.who !== "public");

it("the compatibility guide lists exactly the declared routes", () => {
  const declared = openAIShaped
    .map((r) => `${r.method.toUpperCase()} /v1${r.path.replace("{.+}", "")}`)
    .sort();
  const docs = readFileSync(new URL("../../docs/openai-compatibility.md", import.meta.url), "utf8");
  const documented = [...docs.matchAll(/^\|[^|]*\| `((?:GET|POST|DELETE) \/v1\/[^`]*)`/gm)]
    .map((m) => m[1])
    .sort();
  expect(documented).toEqual(declared);
  expect(OPENAI_ROUTES.filter((r) => r.who === "public").map((r) => r.name)).toEqual(["openai.health"]);
  for (const r of openAIShaped) expect(r.who).toBe("member");
});
