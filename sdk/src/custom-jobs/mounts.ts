/**
 * Mounts: `{ "target/in/workdir": source }`. A source is a local path (file or directory; Node
 * entry) or bytes. Every file is uploaded as `custom_job_file`; ids are content hashes, so
 * unchanged files are never sent again and an unchanged job keeps its id.
 */
import { OpenWeightsError } from "../core/errors.ts";
import type { MountFile, Platform } from "../core/platform.ts";
import { toUploadSource } from "../core/uploadable.ts";
import type { Files } from "../resources/files.ts";

export type MountSource = string | Blob | Uint8Array;

/** How many mount files are hashed/uploaded at once. */
const UPLOAD_CONCURRENCY = 4;

export function checkMountTarget(target: string): string {
  const clean = target.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if (clean === "" || clean === ".") return ""; // the job's working directory itself
  const segments = clean.split("/");
  if (
    clean.startsWith("/") ||
    /[\\\0]/.test(clean) ||
    segments.some((s) => s === ".." || s === "." || s === "")
  ) {
    throw new OpenWeightsError(`mount target "${target}" must be a relative path inside the job directory`);
  }
  return clean;
}

export async function expandMounts(
  mounts: Record<string, MountSource>,
  platform: Platform,
): Promise<MountFile[]> {
  const files: MountFile[] = [];
  for (const [rawTarget, source] of Object.entries(mounts)) {
    const target = checkMountTarget(rawTarget);
    if (typeof source === "string") {
      files.push(...(await platform.expandMount(target, source)));
    } else {
      if (target === "")
        throw new OpenWeightsError("bytes mounted at the job root need a file name as target");
      files.push({ target, source: toUploadSource(source, target.split("/").pop()) });
    }
  }
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.target)) throw new OpenWeightsError(`two mounts write to "${file.target}"`);
    seen.add(file.target);
  }
  return files.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

/** Uploads (or finds already uploaded) every mount file; returns target → file id, sorted. */
export async function uploadMounts(
  files: MountFile[],
  fileApi: Files,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const ids = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      ids[index] = await fileApi.ensure(file.source, "custom_job_file", signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
  return Object.fromEntries(files.map((f, i) => [f.target, ids[i]!]));
}
