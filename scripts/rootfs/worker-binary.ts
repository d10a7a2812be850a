// The self-contained worker executable (worker/build-sea.mjs), built unless a build newer than
// every source it bundles is already there (the build takes ~15 s on an idle 2-core machine).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../db/migrate.ts";

export const WORKER_BINARY = join(repoRoot, "worker/dist/sea/ow-worker-linux-x64");
const SOURCES = ["worker/src", "worker/build-sea.mjs", "supabase/functions/_shared", "package-lock.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function ensureWorkerBinary(log: (line: string) => void = () => {}): { path: string; sha256: string } {
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(repoRoot, s))));
  if (!existsSync(`${WORKER_BINARY}.sha256`) || statSync(WORKER_BINARY).mtimeMs < sources) {
    log("building the worker executable (worker/build-sea.mjs)");
    execFileSync(process.execPath, [join(repoRoot, "worker/build-sea.mjs")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const sha256 = readFileSync(`${WORKER_BINARY}.sha256`, "utf8").split(/\s+/)[0] ?? "";
  return { path: WORKER_BINARY, sha256 };
}
