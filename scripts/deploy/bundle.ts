// Builds a function's deploy bundle as Supabase's bundler does: the module graph of
// `functions/<name>/index.ts`, resolved with that function's own deno.json, serialized to an eszip
// (the format the hosted bundler uploads and the edge runtime loads). The loader reads only files
// inside the given `supabase/` folder, so an import reaching outside it fails the build, as it
// would on deploy. npm packages stay `npm:` specifiers that the runtime fetches at their pinned
// version (the edge runtime embeds them; Deno fetches them into its own cache).

import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type LoadResponse, Parser } from "@deno/eszip";

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".ts": "application/typescript",
  ".js": "application/javascript",
  ".mjs": "application/javascript",
};

function contentType(path: string): string {
  const ext = path.slice(path.lastIndexOf("."));
  const type = CONTENT_TYPES[ext];
  if (!type) throw new Error(`${path}: no module type for ${ext}`);
  return type;
}

function insideFolder(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
}

/** The eszip of one function, built from `supabaseDir` alone. */
export async function buildFunctionBundle(supabaseDir: string, name: string): Promise<Uint8Array> {
  const fnDir = join(supabaseDir, "functions", name);
  const entry = pathToFileURL(join(fnDir, "index.ts")).href;
  const importMap = pathToFileURL(join(fnDir, "deno.json")).href;
  const load = async (specifier: string): Promise<LoadResponse | undefined> => {
    if (!specifier.startsWith("file:")) throw new Error(`${specifier}: only local modules are bundled`);
    const path = fileURLToPath(specifier);
    if (!insideFolder(supabaseDir, path)) throw new Error(`${path} is outside ${supabaseDir}`);
    return {
      kind: "module",
      specifier,
      headers: { "content-type": contentType(path) },
      content: await readFile(path),
    };
  };
  return build([entry], load, importMap);
}

/** The `file:` modules of an eszip (specifier → source as stored: TypeScript already stripped). */
export async function bundleModules(bytes: Uint8Array): Promise<Map<string, string>> {
  const parser = await Parser.createInstance();
  const specifiers = (await parser.parseBytes(bytes)) as string[];
  await parser.load();
  const out = new Map<string, string>();
  for (const specifier of specifiers) {
    if (!specifier.startsWith("file:")) continue;
    out.set(specifier, String(await parser.getModuleSource(specifier)));
  }
  return out;
}

/**
 * Writes every module of the bundle under `outDir`, at its path relative to `supabaseDir`: a tree
 * holding exactly what the bundle holds, which Deno can then run.
 */
export async function unpackBundle(
  bytes: Uint8Array,
  supabaseDir: string,
  outDir: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const [specifier, source] of await bundleModules(bytes)) {
    const rel = relative(supabaseDir, fileURLToPath(specifier));
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, source);
    written.push(rel.split(sep).join("/"));
  }
  return written.sort();
}
