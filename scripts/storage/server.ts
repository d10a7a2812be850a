// Serves the Storage stand-in (./app.ts) on 127.0.0.1 for tests and benchmarks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveFetchLocal } from "../local/json-http.ts";
import { makeStorageStandInApp, type StorageStandInOptions, type StorageStandInState } from "./app.ts";

export interface StorageStandIn {
  /** The project URL (Storage is at `${url}/storage/v1`), as SUPABASE_URL would be. */
  url: string;
  state: StorageStandInState;
  close(): Promise<void>;
}

export async function startStorageStandIn(
  options: Omit<StorageStandInOptions, "root"> & { root?: string },
): Promise<StorageStandIn> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), "ow-storage-"));
  const { app, state } = makeStorageStandInApp({ ...options, root });
  const server = await serveFetchLocal(app.fetch);
  return {
    url: server.url,
    state,
    async close() {
      await server.close();
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
