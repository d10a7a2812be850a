// The Deno import maps, generated from ONE list of pinned versions: the root package.json's
// `dependencies` (what npm installs for Node, vitest and the SDK build). Supabase bundles each
// function from the `supabase/` folder with that function's own `deno.json` (its documented,
// recommended layout: https://supabase.com/docs/guides/functions/dependencies, read 2026-12-03),
// so each function gets a copy; the repository-root `deno.json` (Deno resolving from
// ./node_modules, for the local stack) is generated from the same list.
// `npm run gen:deno-json` writes them; tests/deploy/deno-json.test.ts fails when one drifts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The npm packages the functions import, each pinned to the exact version in package.json. */
export const FUNCTION_PACKAGES = [
  "hono",
  "zod",
  "jose",
  "postgres",
  "@noble/hashes",
  "@supabase/storage-js",
] as const;

/** Packages imported only by subpath (`@noble/hashes/sha2.js`) get no bare entry. */
const SUBPATH_ONLY = new Set<string>(["@noble/hashes"]);

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function pinnedVersions(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const out: Record<string, string> = {};
  for (const name of FUNCTION_PACKAGES) {
    const version = pkg.dependencies?.[name];
    if (!version || !EXACT_VERSION.test(version)) {
      throw new Error(`package.json dependencies.${name} must be an exact version, got ${String(version)}`);
    }
    out[name] = version;
  }
  return out;
}

function npmImports(versions: Record<string, string>): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const [name, version] of Object.entries(versions)) {
    if (!SUBPATH_ONLY.has(name)) imports[name] = `npm:${name}@${version}`;
    imports[`${name}/`] = `npm:/${name}@${version}/`;
  }
  return imports;
}

/** Function directories: every folder of supabase/functions with an index.ts, not `_`-prefixed. */
export function functionNames(root: string): string[] {
  const dir = join(root, "supabase", "functions");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("_") && existsSync(join(dir, d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
}

const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** path (relative to the repository root) → content of every generated deno.json. */
export function generatedDenoJsons(root: string): Record<string, string> {
  const versions = pinnedVersions(root);
  const out: Record<string, string> = {
    "deno.json": render({
      nodeModulesDir: "manual",
      imports: { ...npmImports(versions), "@contract": "./supabase/functions/_shared/contract/index.ts" },
    }),
  };
  for (const fn of functionNames(root)) {
    // No nodeModulesDir: deployed (and in tests/deploy) Deno fetches the pinned npm packages itself.
    out[`supabase/functions/${fn}/deno.json`] = render({
      imports: { ...npmImports(versions), "@contract": "../_shared/contract/index.ts" },
    });
  }
  return out;
}
