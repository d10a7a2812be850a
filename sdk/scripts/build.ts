// Builds dist/: ESM (.mjs) and CJS (.cjs) bundles per entry with esbuild, the `ow` CLI, and
// declarations from tsc with the `@contract` alias and `.ts` specifiers rewritten so they resolve
// for consumers. The contract is bundled (JS) and shipped (types); zod stays a dependency.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const dist = join(sdk, "dist");
const contract = fileURLToPath(
  new URL("../../supabase/functions/_shared/contract/index.ts", import.meta.url),
);
const EXTERNAL = ["zod", "openai", "@openweights/worker", "node:*"];

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
        outfile: `dist/${name}.${ext}`,
        bundle: true,
        format,
        platform: name === "index" ? "neutral" : "node",
        target: "es2022",
        external: EXTERNAL,
        plugins: [contractAlias, shareNeutralEntry(ext)],
        logLevel: "warning",
      });
    }
  }
  await build({
    absWorkingDir: sdk,
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/cli.mjs",
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
  execFileSync(tsc, ["-p", join(sdk, "tsconfig.build.json")], { stdio: "inherit" });
  const contractTypes = join(dist, "types", "supabase", "functions", "_shared", "contract", "index.js");
  for (const file of filesUnder(join(dist, "types")).filter((f) => f.endsWith(".d.ts"))) {
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
    writeFileSync(join(dist, `${name}.d.ts`), body);
    writeFileSync(join(dist, `${name}.d.cts`), body);
  }
}

function checkVersion(): void {
  const pkg = JSON.parse(readFileSync(join(sdk, "package.json"), "utf8")) as { version: string };
  const source = readFileSync(join(sdk, "src", "version.ts"), "utf8");
  if (!source.includes(`"${pkg.version}"`)) throw new Error(`src/version.ts does not say ${pkg.version}`);
}

checkVersion();
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await bundleLibrary();
emitDeclarations();
console.log(`built ${relative(process.cwd(), dist) || "dist"}`);
