// Builds the self-contained worker executable pods download when their image has no ow-worker:
// Node's single-executable application (SEA) — this Node binary with the worker bundled in.
//   node worker/build-sea.mjs  →  worker/dist/sea/ow-worker-linux-x64 (+ .sha256)
// Steps: esbuild bundles src/cli.ts to one CommonJS file (Node 20's SEA runs CommonJS only),
// `node --experimental-sea-config` turns it into a blob (with V8's code cache, so start-up skips
// parsing), and postject (npm) injects the blob into a copy of the node binary.
// Needs glibc and libstdc++ at run time, like Node itself: any Debian/Ubuntu/RHEL-family image.
// Measured here (bench:worker-binary): ~100 MB, ~96 MB of it the Node binary.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here("./dist/sea/");
const bundle = `${outDir}ow-worker.cjs`;
const blob = `${outDir}ow-worker.blob`;
const binary = `${outDir}ow-worker-linux-x64`;
// The fuse postject flips so node looks for the blob (Node's SEA docs name this sentinel).
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

if (process.platform !== "linux" || process.arch !== "x64") {
  console.error(`build-sea: pods are linux-x64; this is ${process.platform}-${process.arch}`);
  process.exit(2);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [here("./src/cli.ts")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  alias: { "@contract": here("../supabase/functions/_shared/contract/index.ts") },
  logLevel: "warning",
});

const seaConfig = `${outDir}sea-config.json`;
writeFileSync(
  seaConfig,
  JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
);
execFileSync(process.execPath, ["--experimental-sea-config", seaConfig], { stdio: "inherit" });

copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
const postject = here("../node_modules/postject/dist/cli.js");
// postject warns about every ELF note section it does not know (harmless); show it only on failure.
try {
  execFileSync(process.execPath, [postject, binary, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], {
    stdio: ["ignore", "ignore", "pipe"],
  });
} catch (error) {
  console.error(String(error.stderr ?? error));
  process.exit(1);
}
rmSync(blob);
rmSync(seaConfig);

const sha256 = createHash("sha256").update(readFileSync(binary)).digest("hex");
writeFileSync(`${binary}.sha256`, `${sha256}  ow-worker-linux-x64\n`);
console.log(`build-sea: ${binary} (${(readFileSync(binary).length / 1e6).toFixed(1)} MB) sha256 ${sha256}`);
