// `npm run gen:openapi`: rewrites docs/openapi.json and docs/http-api.md from the route declarations.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";
import { generatedHttpDocs } from "./http-docs.ts";

for (const [path, content] of Object.entries(generatedHttpDocs())) {
  writeFileSync(join(repoRoot, path), content);
  console.log(`wrote ${path}`);
}
