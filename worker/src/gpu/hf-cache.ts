import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where huggingface_hub keeps downloaded repos: `HF_HUB_CACHE`, else `$HF_HOME/hub`, else
 * `~/.cache/huggingface/hub` (huggingface_hub's own resolution order).
 */
export function huggingFaceHubDir(env: {
  HF_HUB_CACHE?: string | undefined;
  HF_HOME?: string | undefined;
}): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, "hub");
  return join(homedir(), ".cache", "huggingface", "hub");
}

/** `models--org--name` → `org/name`; other entries (datasets, locks) → null. */
export function modelIdFromCacheDir(dirName: string): string | null {
  if (!dirName.startsWith("models--")) return null;
  const parts = dirName.slice("models--".length).split("--");
  if (parts.length < 1 || parts.length > 2 || parts.some((p) => p === "")) return null;
  return parts.join("/");
}

/**
 * Models with at least one snapshot in the cache, sorted, at most `limit` (the register call
 * accepts 200). A missing cache directory means nothing is cached.
 */
export async function scanCachedModels(hubDir: string, limit = 200): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(hubDir);
  } catch {
    return [];
  }
  const models: string[] = [];
  for (const entry of entries.sort()) {
    const id = modelIdFromCacheDir(entry);
    if (id === null) continue;
    const snapshots = await readdir(join(hubDir, entry, "snapshots")).catch(() => []);
    if (snapshots.length > 0) models.push(id);
    if (models.length >= limit) break;
  }
  return models;
}
