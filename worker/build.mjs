// Bundles the worker into one file, dist/ow-worker.mjs, that runs on a bare Node 20 (the images
// copy just this file). `@contract` resolves to the repo's contract, the same schemas the API uses.
import { chmod } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const outfile = here("./dist/ow-worker.mjs");

await build({
  entryPoints: [here("./src/cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  legalComments: "none",
  alias: { "@contract": here("../supabase/functions/_shared/contract/index.ts") },
  // A CommonJS dependency inside an ESM bundle may still call require(); give it one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __owCreateRequire } from 'node:module';\nconst require = __owCreateRequire(import.meta.url);",
  },
  logLevel: "info",
});
await chmod(outfile, 0o755);

// The package's library entry (`import { runWorkerCli } from "@openweights/worker"`, what `ow worker`
// loads): built, so an installed package never points at TypeScript.
await build({
  entryPoints: [here("./src/index.ts")],
  outfile: here("./dist/index.mjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "none",
  alias: { "@contract": here("../supabase/functions/_shared/contract/index.ts") },
  banner: {
    js: "import { createRequire as __owCreateRequire } from 'node:module';\nconst require = __owCreateRequire(import.meta.url);",
  },
  logLevel: "info",
});
