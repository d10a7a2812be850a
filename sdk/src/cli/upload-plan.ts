/**
 * What `ow exec` is about to mount, said before anything is hashed or sent: how many files and
 * bytes, the largest ones, and what the ignore rules left out (and by which rule). A directory
 * holding checkpoints is the usual surprise (issue 15: 2 GB uploaded behind a 50 s spinner).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type SkippedPath, walkDirectory } from "../node/files.ts";
import { formatBytes, type Io } from "./context.ts";

/** Above this `ow exec` asks for `--yes`: code directories are far smaller; weights belong in files. */
export const DEFAULT_UPLOAD_LIMIT_MB = 500;
const LISTED = 10;

export interface UploadPlan {
  files: { path: string; bytes: number }[];
  bytes: number;
  skipped: SkippedPath[];
}

export async function planUpload(root: string): Promise<UploadPlan> {
  const skipped: SkippedPath[] = [];
  const paths = await walkDirectory(root, [], (s) => skipped.push(s));
  const files = await Promise.all(
    paths.map(async (path) => ({ path, bytes: (await stat(join(root, ...path.split("/")))).size })),
  );
  return { files, bytes: files.reduce((sum, f) => sum + f.bytes, 0), skipped };
}

/** Writes the plan to stderr: totals, the largest files, and every skipped path with its rule. */
export function printUploadPlan(io: Io, root: string, plan: UploadPlan): void {
  const lines = [`mounting ${root}: ${plan.files.length} files, ${formatBytes(plan.bytes)}`];
  const largest = [...plan.files].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  if (largest.length > 0)
    lines.push(`  largest: ${largest.map((f) => `${f.path} (${formatBytes(f.bytes)})`).join(", ")}`);
  for (const s of plan.skipped.slice(0, LISTED))
    lines.push(`  skipped ${s.path}${s.isDirectory ? "/" : ""} (${s.rule})`);
  if (plan.skipped.length > LISTED) lines.push(`  … and ${plan.skipped.length - LISTED} more skipped`);
  io.stderr.write(`${lines.join("\n")}\n`);
}
