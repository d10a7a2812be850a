import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface ResultFile {
  /** Relative to uploads/, with `/` separators: the `path` the API stores it under. */
  path: string;
  absolutePath: string;
  bytes: number;
}

/**
 * Every regular file under `uploadsDir`, depth-first in name order. Symlinks are skipped: a job
 * (in docker, especially) could otherwise point one at a worker-side file and have it uploaded.
 */
export async function listResultFiles(uploadsDir: string, maxFiles = 10_000): Promise<ResultFile[]> {
  const files: ResultFile[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= maxFiles) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const stats = await lstat(full);
        files.push({
          path: relative(uploadsDir, full).split(sep).join("/"),
          absolutePath: full,
          bytes: stats.size,
        });
      }
    }
  }
  await walk(uploadsDir);
  return files;
}
