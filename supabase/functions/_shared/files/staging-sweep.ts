// Deletes staged uploads nobody finalized (issue 11: nothing is lost, nothing leaks). A worker
// killed between its PUT and `results/finalize`, or a client that never called
// `files/uploads/complete`, leaves an object under `staging/<org>/` that nothing registers.
//
// Safe against a finalize: an object is swept only once its last write is older than `maxAgeSeconds`,
// which the configuration holds above UPLOAD_TICKET_SECONDS. Its ticket was handed out before that
// write, so its upload_id has expired and any finalize is refused (400 naming upload_id) before it
// looks at storage. Were a finalize still to find the object gone (a store clock far off), it
// answers 409 naming upload_id, and registers nothing: both flows move the bytes before they insert
// the row.
//
// Bounded: a pass looks into at most `limit` organization folders and deletes at most `limit`
// objects; what is left waits for the next pass. Idempotent: deleting a missing key is no error.
import type { FileStore } from "./file-store.ts";

export const STAGING_FOLDER = "staging";
/** Storage's default list page. */
const PAGE = 100;
/** Organization folders listed per pass at most (a runaway listing must not stall the scaler). */
const MAX_FOLDERS = 100 * PAGE;

export interface StagingSweepOptions {
  maxAgeSeconds: number;
  limit: number;
  now: number;
  /** Where in the folder list the pass starts, in [0, 1): passes rotate so no folder waits forever. */
  start?: number;
}

export interface StagingSweepResult {
  deleted: number;
  /** False when the pass hit its bound: more may be left for the next one. */
  done: boolean;
}

export async function sweepStaging(
  store: FileStore,
  options: StagingSweepOptions,
): Promise<StagingSweepResult> {
  const cutoff = options.now - options.maxAgeSeconds * 1000;
  const folders = await organizationFolders(store);
  const first = Math.floor((options.start ?? Math.random()) * folders.length);
  const visit = Math.min(folders.length, options.limit);
  let deleted = 0;
  for (let i = 0; i < visit && deleted < options.limit; i++) {
    const folder = `${STAGING_FOLDER}/${folders[(first + i) % folders.length]}`;
    const oldestFirst = await store.list(folder, {
      limit: options.limit - deleted,
      offset: 0,
      order: "oldest",
    });
    for (const entry of oldestFirst) {
      if (entry.kind !== "object" || entry.writtenAt >= cutoff) continue;
      await store.delete(`${folder}/${entry.name}`);
      deleted++;
    }
  }
  const done = visit === folders.length && deleted < options.limit;
  return { deleted, done };
}

async function organizationFolders(store: FileStore): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; offset < MAX_FOLDERS; offset += PAGE) {
    const page = await store.list(STAGING_FOLDER, { limit: PAGE, offset, order: "name" });
    for (const entry of page) if (entry.kind === "folder") names.push(entry.name);
    if (page.length < PAGE) break;
  }
  return names;
}
