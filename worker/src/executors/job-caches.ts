// Caches a job writes that outlive its run directory: above all the Hugging Face hub cache on the
// pod's volume, so a model one job downloaded is there for the next. The worker images point them
// at the volume (HF_HOME=/workspace/hf) and the worker passes those names to jobs, but a job that
// runs as its own user (job-user.ts) can neither create nor write them: they are root's, or do not
// exist yet on a freshly mounted volume. Before the first job the worker creates each one the
// worker's own environment names and hands it to the job user. Only the worker's environment
// counts (the operator's), never a job's: a job naming a path must not get it chowned.
import { mkdir } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { canAccess, chownTree, type JobUser } from "./job-user.ts";

export const SHARED_CACHE_VARS = [
  "HF_HOME",
  "HF_HUB_CACHE",
  "TRANSFORMERS_CACHE",
  "TORCH_HOME",
  "XDG_CACHE_HOME",
  "PIP_CACHE_DIR",
] as const;

export interface PreparedCaches {
  ready: string[];
  skipped: { name: string; path: string; reason: string }[];
}

/** Whether `dir` is `other` or one of its ancestors. */
function holds(dir: string, other: string): boolean {
  const rel = relative(dir, other);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export async function prepareJobCaches(
  workerEnv: Record<string, string | undefined>,
  user: JobUser,
  workRoot: string,
): Promise<PreparedCaches> {
  const out: PreparedCaches = { ready: [], skipped: [] };
  for (const name of SHARED_CACHE_VARS) {
    const value = workerEnv[name];
    if (!value) continue;
    const path = resolve(value);
    // Handing "/" or the work root (or anything holding it) to jobs would give them other runs.
    if (!isAbsolute(value) || path === "/" || holds(path, resolve(workRoot))) {
      out.skipped.push({ name, path: value, reason: "not an absolute path apart from the work root" });
      continue;
    }
    try {
      await mkdir(path, { recursive: true });
      await chownTree(path, user);
      if (!canAccess(path, user, "w"))
        out.skipped.push({ name, path, reason: `${user.name} cannot pass a directory above it` });
      else out.ready.push(path);
    } catch (error) {
      out.skipped.push({ name, path, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}
