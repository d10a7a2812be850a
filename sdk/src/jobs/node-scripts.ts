/**
 * The job-side scripts shipped in the npm package (`job-scripts/`), found relative to this module:
 * `src/jobs/` in the repository, `dist/` in the package. Mounted: every `.py` file except tests/
 * and the gpu-check scripts (job-scripts/README.md), at its path relative to `job-scripts/`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { JobScriptsLoader } from "./context.ts";

const NOT_MOUNTED = new Set(["tests", "__pycache__", "gpu_check.py", "gpu_check_backends.py"]);

function moduleDir(): string {
  // CJS bundles have __dirname; ESM (and the sources under tsx/vitest) have import.meta.url
  if (typeof __dirname === "string") return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** The nearest `job-scripts/` with `job_entry.py`, walking up from `start`. */
export function findJobScriptsDir(start: string = moduleDir()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "job-scripts");
    if (existsSync(join(candidate, "job_entry.py"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`job-scripts/ not found above ${start}`);
  }
}

export function listJobScripts(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (NOT_MOUNTED.has(name)) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".py")) out.push(relative(root, full).split(sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/** target → absolute path of every mounted script. */
export function nodeJobScripts(root?: string): JobScriptsLoader {
  return async () => {
    const dir = root ?? findJobScriptsDir();
    return Object.fromEntries(listJobScripts(dir).map((target) => [target, join(dir, target)]));
  };
}
