// FileStore on local disk for the local stack. Signed URLs point at the api's /local-files
// route with a short-lived token, the way Storage's signed URLs work. Uses node:fs, which both
// Deno and Node provide — this adapter is not part of the runtime-neutral _shared code.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { type FileStore, FileStoreError, type FolderEntry } from "../_shared/files/file-store.ts";

export interface LocalDiskOptions {
  root: string;
  /** Mints the token for a signed URL: the api verifies it at /local-files/:token. */
  signUrl: (key: string, op: "get" | "put", ttlSeconds: number) => Promise<string>;
}

export function createLocalDiskStore(options: LocalDiskOptions): FileStore {
  const root = resolve(options.root);
  const pathOf = (key: string) => {
    const full = resolve(root, key);
    if (!full.startsWith(root + sep)) throw new Error(`object key escapes the store: ${key}`);
    return full;
  };
  return {
    kind: "local",
    async put(key, body) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const partial = `${target}.partial-${crypto.randomUUID()}`;
      let bytes = 0;
      try {
        const counted = body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              bytes += chunk.byteLength;
              controller.enqueue(chunk);
            },
          }),
        );
        // pipeline() settles only after the file stream has closed, so the cleanup below cannot
        // race a write stream that is still opening (which left empty .partial files behind).
        await pipeline(Readable.fromWeb(counted as NodeWebStream), createWriteStream(partial));
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return { bytes };
    },
    async get(key) {
      const target = pathOf(key);
      try {
        await stat(target);
      } catch {
        return null;
      }
      return Readable.toWeb(createReadStream(target)) as unknown as ReadableStream<Uint8Array>;
    },
    async stat(key) {
      try {
        const s = await stat(pathOf(key));
        return { bytes: s.size };
      } catch {
        return null;
      }
    },
    async move(from, to) {
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true });
      await rename(pathOf(from), target).catch((error: { code?: string }) => {
        if (error.code === "ENOENT")
          throw new FileStoreError("move", `no object at ${from}`, { notFound: true });
        throw error;
      });
    },
    async digests(key, organizationId) {
      const content = createHash("sha256");
      try {
        for await (const chunk of createReadStream(pathOf(key))) content.update(chunk as Buffer);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return null;
        throw error;
      }
      // One pass: the org hash continues a copy of the content's running state.
      const orgSha256 = content.copy().update(organizationId).digest("hex");
      return { sha256: content.digest("hex"), orgSha256 };
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async list(folder, page) {
      const dir = pathOf(folder);
      const names = await readdir(dir, { withFileTypes: true }).catch((error: { code?: string }) => {
        if (error.code === "ENOENT" || error.code === "ENOTDIR") return [];
        throw error;
      });
      const entries = await Promise.all(
        names.map(async (d): Promise<FolderEntry | null> => {
          if (d.isDirectory()) return { kind: "folder", name: d.name };
          // The modification time: a write still in progress (a `.partial-…` file) keeps it fresh.
          const s = await stat(join(dir, d.name)).catch(() => null); // deleted meanwhile
          return s ? { kind: "object", name: d.name, writtenAt: s.mtimeMs } : null;
        }),
      );
      const present = entries.filter((e): e is FolderEntry => e !== null);
      const byName = (a: FolderEntry, b: FolderEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      // Oldest write first, folders last (two folders: NaN, so by name).
      const when = (e: FolderEntry) => (e.kind === "object" ? e.writtenAt : Number.POSITIVE_INFINITY);
      present.sort(page.order === "oldest" ? (a, b) => when(a) - when(b) || byName(a, b) : byName);
      return present.slice(page.offset, page.offset + page.limit);
    },
    signedDownloadUrl: (key, ttl) => options.signUrl(key, "get", ttl),
    signedUploadUrl: (key, ttl) => options.signUrl(key, "put", ttl),
  };
}
