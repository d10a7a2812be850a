// `npm run gen:deploy`: rewrites every generated file of the deploy layout (the deno.json import
// maps from package.json's pinned versions, the openai function's copy of the job scripts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";
import { generatedDeployFiles } from "./generated.ts";

for (const [path, content] of Object.entries(generatedDeployFiles(repoRoot))) {
  writeFileSync(join(repoRoot, path), content);
  console.log(`wrote ${path}`);
}
