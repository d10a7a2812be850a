/** Local files as upload sources, directory walking for mounts, and downloads to disk. */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import type { MountFile, Platform } from "../core/platform.ts";
import type { UploadSource } from "../core/uploadable.ts";
import { OpenWeightsError } from "../index.ts";
import { DEFAULT_IGNORES, IGNORE_FILE, IgnoreList } from "./ignore.ts";

/** 1 MiB reads: measured fastest for hashing+upload without raising RSS (see BENCHMARKS.md). */
export const READ_CHUNK_BYTES = 1 << 20;

export async function fileFromPath(path: string, filename?: string): Promise<UploadSource> {
  const info = await stat(path).catch(() => {
    throw new OpenWeightsError(`no such file: ${path}`);
  });
  if (!info.isFile()) throw new OpenWeightsError(`not a regular file: ${path}`);
  return {
    filename: filename ?? basename(path),
    size: info.size,
    replayable: true,
    open: () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Uint8Array>,
  };
}

async function loadIgnore(root: string, extra: string[]): Promise<IgnoreList> {
  const own = await readFile(join(root, IGNORE_FILE), "utf8").catch(() => "");
  return new IgnoreList([
    { origin: "built-in", text: DEFAULT_IGNORES.join("\n") },
    { origin: IGNORE_FILE, text: own },
    ...extra,
  ]);
}

/** A path a directory walk left out, and the rule that did (`built-in: .git/`, `.owignore: *.ckpt`). */
export interface SkippedPath {
  path: string;
  isDirectory: boolean;
  rule: string;
}

/** Relative `/`-separated paths of every file under `root`, sorted, minus ignored ones. */
export async function walkDirectory(
  root: string,
  extraIgnores: string[] = [],
  onSkip?: (skipped: SkippedPath) => void,
): Promise<string[]> {
  const ignore = await loadIgnore(root, extraIgnores);
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full).split(sep).join("/");
      // symlinked directories are skipped (loops); symlinked files are followed
      const isDir = entry.isDirectory();
      const isFile =
        entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile());
      if (ignore.ignores(rel, isDir)) {
        onSkip?.({ path: rel, isDirectory: isDir, rule: ignore.ruleFor(rel, isDir) ?? "ignored" });
        continue;
      }
      if (isDir) await visit(full);
      else if (isFile) found.push(rel);
    }
  };
  await visit(root);
  return found.sort();
}

export const nodePlatform: Platform = {
  openPath: (path) => fileFromPath(path),
  saveFile,
  async expandMount(target: string, path: string): Promise<MountFile[]> {
    const info = await stat(path).catch(() => {
      throw new OpenWeightsError(`mount source not found: ${path}`);
    });
    if (info.isFile()) return [{ target: target || basename(path), source: await fileFromPath(path) }];
    const files = await walkDirectory(path);
    return Promise.all(
      files.map(async (rel) => ({
        target: target ? `${target}/${rel}` : rel,
        source: await fileFromPath(join(path, ...rel.split("/"))),
      })),
    );
  },
};

/** Streams a Response body to a file without buffering it. */
/** Streams to disk (a multi-GB result never sits in memory), counting bytes as they pass. */
async function saveFile(
  path: string,
  content: string | Response,
  onBytes?: (written: number) => void,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  if (typeof content === "string") {
    await writeFile(path, content);
    onBytes?.(Buffer.byteLength(content));
    return Buffer.byteLength(content);
  }
  if (!content.body) throw new OpenWeightsError("empty response body");
  let written = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      onBytes?.(written);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(content.body as NodeWebStream<Uint8Array>), count, createWriteStream(path));
  return written;
}

export async function writeResponseToFile(response: Response, path: string): Promise<void> {
  if (!response.body) throw new OpenWeightsError("empty response body");
  await pipeline(Readable.fromWeb(response.body as NodeWebStream<Uint8Array>), createWriteStream(path));
}
