import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ClaimedJob, mountPathProblem, RESERVED_JOB_PATHS } from "@contract";

/** A run's directory: the job's cwd with its mounts, params.json, uploads/ and the events file. */
export interface RunWorkdir {
  root: string;
  uploadsDir: string;
  eventsFile: string;
}

/** Platform files live under this name; a mount may not write there (the contract's rule). */
export const PLATFORM_DIR = RESERVED_JOB_PATHS.platformDir;

export class MountError extends Error {
  override readonly name = "MountError";
}

export async function createRunWorkdir(workRoot: string, runId: string): Promise<RunWorkdir> {
  await mkdir(workRoot, { recursive: true });
  const root = await mkdtemp(join(workRoot, `run-${runId.slice(0, 8)}-`));
  const uploadsDir = join(root, "uploads");
  await mkdir(uploadsDir);
  await mkdir(join(root, PLATFORM_DIR));
  const eventsFile = join(root, PLATFORM_DIR, "events.jsonl");
  await writeFile(eventsFile, "");
  return { root, uploadsDir, eventsFile };
}

/** Resolves a mount path inside `root`, refusing anything that would land outside it. */
export function mountTarget(root: string, path: string): string {
  // The api refuses these at submit with the same function; this guards a claim from elsewhere.
  const problem = mountPathProblem(path);
  if (problem) throw new MountError(`mount path ${JSON.stringify(path)} ${problem}`);
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (
    rel === "" ||
    rel.startsWith("..") ||
    rel.split(sep)[0] === PLATFORM_DIR ||
    resolve(root, rel) !== target
  ) {
    throw new MountError(`mount path ${JSON.stringify(path)} is outside the job's directory`);
  }
  return target;
}

export interface DownloadOptions {
  fetch: typeof fetch;
  /** Base for relative URLs, and the only origin that receives the worker's credentials. */
  apiUrl: string;
  authorization: string;
  signal?: AbortSignal;
}

/**
 * Streams one mounted file to disk, hashing as it goes; the file appears under its name only
 * once its size and sha256 match the claim.
 */
export async function downloadMount(
  root: string,
  mount: ClaimedJob["mounts"][number],
  options: DownloadOptions,
): Promise<void> {
  const target = mountTarget(root, mount.path);
  await mkdir(dirname(target), { recursive: true });
  const url = new URL(mount.url, `${options.apiUrl.replace(/\/+$/, "")}/`);
  // Signed storage URLs need no credentials; never hand the worker token to another origin.
  const sameOrigin = url.origin === new URL(options.apiUrl).origin;
  const headers: Record<string, string> = sameOrigin ? { authorization: options.authorization } : {};
  const response = await options.fetch(url, { headers, signal: options.signal ?? null });
  if (!response.ok || response.body === null) {
    throw new MountError(`download of ${mount.path} (${mount.file_id}) answered ${response.status}`);
  }
  const hash = createHash("sha256");
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const partial = `${target}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as never), meter, createWriteStream(partial));
    const digest = hash.digest("hex");
    if (bytes !== mount.bytes || digest !== mount.sha256) {
      throw new MountError(
        `${mount.path} (${mount.file_id}): got ${bytes} bytes sha256 ${digest}, expected ${mount.bytes} bytes sha256 ${mount.sha256}`,
      );
    }
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

export async function writeParams(root: string, params: unknown): Promise<void> {
  await writeFile(join(root, "params.json"), `${JSON.stringify(params, null, 2)}\n`);
}
