// docs/openapi.json and docs/http-api.md are generated from the route declarations; this fails
// when a declaration changed and `npm run gen:openapi` was not run. The api serves the same document.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { generatedHttpDocs } from "../../scripts/gen/http-docs.ts";
import { makeApp } from "../../supabase/functions/api/app.ts";

// Ajv and ajv-formats are CommonJS (as in scripts/fake-runpod/openapi-validator.ts).
const require = createRequire(import.meta.url);
const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;

const generated = generatedHttpDocs();

it.each(Object.keys(generated))(
  "%s is up to date with the route declarations (npm run gen:openapi)",
  (path) => {
    expect(readFileSync(join(repoRoot, path), "utf8")).toBe(generated[path]);
  },
);

it("GET /api/openapi.json serves the committed document, to anyone", async () => {
  const res = await makeApp({} as never).request("/api/openapi.json");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual(JSON.parse(readFileSync(join(repoRoot, "docs/openapi.json"), "utf8")));
});

it("every schema in the document compiles as JSON Schema 2020-12, and every operation says who may call it", () => {
  const doc = JSON.parse(generated["docs/openapi.json"] ?? "{}");
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  let schemas = 0;
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      expect(op["x-caller"], `${method} ${path}`).toMatch(/^(public|signed_url|member|admin|worker|cron)$/);
      expect(Object.keys(op.responses as object), `${method} ${path}`).toContain("default");
      const found: unknown[] = [];
      JSON.stringify(op, (key, value) => {
        if (key === "schema" && !(value as { $ref?: string }).$ref) found.push(value);
        return value;
      });
      for (const schema of found) {
        ajv.compile(schema as object);
        schemas += 1;
      }
    }
  expect(schemas).toBeGreaterThan(100);
});
