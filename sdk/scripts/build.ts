// Builds dist/: ESM (.mjs) and CJS (.cjs) bundles per entry with esbuild, the `ow` CLI, and
// declarations from tsc with the `@contract` alias and `.ts` specifiers rewritten so they resolve
// for consumers. The contract is bundled (JS) and shipped (types); zod stays a dependency.
//
// The build is written to a staging directory and then moved into dist/ one rename at a time:
// a rebuild (the packaging test runs one) never leaves dist/ empty under a running `ow`.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const dist = join(sdk, "dist");
const staging = join(sdk, `.dist-staging-${process.pid}`);
const contract = fileURLToPath(
  new URL("../../supabase/functions/_shared/contract/index.ts", import.meta.url),
);
const EXTERNAL = ["zod", "@noble/hashes", "ignore", "openai", "@openweights/worker", "node:*"];

/** The node and job entries share the runtime-neutral entry instead of bundling a second copy (one set of error classes). */
function shareNeutralEntry(ext: "mjs" | "cjs"): Plugin {
  const neutral = join(sdk, "src", "index.ts");
  return {
    name: "share-neutral-entry",
    setup(b) {
      b.onResolve({ filter: /^\.\.\/index\.ts$/ }, (args) =>
        join(args.resolveDir, args.path) === neutral ? { path: `./index.${ext}`, external: true } : undefined,
      );
    },
  };
}

const contractAlias: Plugin = {
  name: "contract-alias",
  setup(b) {
    b.onResolve({ filter: /^@contract$/ }, () => ({ path: contract }));
  },
};

async function bundleLibrary(): Promise<void> {
  const entries = { index: "src/index.ts", node: "src/node/index.ts", job: "src/job/index.ts" };
  for (const format of ["esm", "cjs"] as const) {
    const ext = format === "esm" ? "mjs" : "cjs";
    for (const [name, entry] of Object.entries(entries)) {
      await build({
        absWorkingDir: sdk,
        entryPoints: [entry],
        outfile: join(staging, `${name}.${ext}`),
        bundle: true,
        format,
        platform: name === "index" ? "neutral" : "node",
        target: "es2022",
        external: EXTERNAL,
        plugins: [contractAlias, shareNeutralEntry(ext)],
        logLevel: "warning",
        // node-scripts.ts reads import.meta.url only when __dirname is absent, i.e. never in CJS
        logOverride: format === "cjs" ? { "empty-import-meta": "silent" } : {},
      });
    }
  }
  await build({
    absWorkingDir: sdk,
    entryPoints: ["src/cli/main.ts"],
    outfile: join(staging, "cli.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    plugins: [contractAlias],
    logLevel: "warning",
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function emitDeclarations(): void {
  const tsc = join(sdk, "..", "node_modules", ".bin", "tsc");
  execFileSync(tsc, ["-p", join(sdk, "tsconfig.build.json"), "--outDir", join(staging, "types")], {
    stdio: "inherit",
  });
  const contractTypes = join(staging, "types", "supabase", "functions", "_shared", "contract", "index.js");
  for (const file of filesUnder(join(staging, "types")).filter((f) => f.endsWith(".d.ts"))) {
    let rel = relative(dirname(file), contractTypes);
    if (!rel.startsWith(".")) rel = `./${rel}`;
    const text = readFileSync(file, "utf8")
      .replace(/(from\s+|import\()(["'])@contract\2/g, `$1$2${rel}$2`)
      .replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2");
    writeFileSync(file, text);
  }
  const entryTypes: Record<string, string> = { index: "index", node: "node/index", job: "job/index" };
  for (const [name, path] of Object.entries(entryTypes)) {
    const target = `./types/sdk/src/${path}.js`;
    const hasDefault = name !== "job";
    const body = `export * from "${target}";\n${hasDefault ? `export { default } from "${target}";\n` : ""}`;
    writeFileSync(join(staging, `${name}.d.ts`), body);
    writeFileSync(join(staging, `${name}.d.cts`), body);
  }
}

function checkVersion(): void {
  const pkg = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8")) as { version: string };
  const source = readFileSync(join(sdk, "src", "version.ts"), "utf8");
  if (!source.includes(`"${pkg.version}"`)) throw new Error(`src/version.ts does not say ${pkg.version}`);
}

/** Moves every staged file over its dist/ counterpart (rename replaces atomically), then drops files the new build no longer has. */
function publishStaged(): void {
  const staged = new Set(filesUnder(staging).map((f) => relative(staging, f)));
  for (const rel of staged) {
    mkdirSync(dirname(join(dist, rel)), { recursive: true });
    renameSync(join(staging, rel), join(dist, rel));
  }
  for (const old of filesUnder(dist)) {
    if (!staged.has(relative(dist, old))) rmSync(old);
  }
  rmSync(staging, { recursive: true, force: true });
}

checkVersion();
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
mkdirSync(dist, { recursive: true });
try {
  await bundleLibrary();
  emitDeclarations();
  publishStaged();
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(`built ${relative(process.cwd(), dist) || "dist"}`);
