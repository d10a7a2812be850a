/**
 * What only some runtimes can do (read local paths, walk directories). The default platform
 * refuses with a pointer to `openweights/node`, which supplies the real one.
 */
import { OpenWeightsError } from "./errors.ts";
import type { UploadSource } from "./uploadable.ts";

export interface MountFile {
  /** Relative path inside the job's working directory. */
  target: string;
  source: UploadSource;
}

export interface Platform {
  openPath(path: string): Promise<UploadSource>;
  /** A file → one entry; a directory → every file under it, minus the ignore list. */
  expandMount(target: string, path: string): Promise<MountFile[]>;
  /** Writes text or a response's body to a local path (parents created); returns the bytes written. */
  saveFile(path: string, content: string | Response, onBytes?: (written: number) => void): Promise<number>;
}

const needsNode = (path: string) =>
  Promise.reject(
    new OpenWeightsError(
      `Local paths (${path}) need the Node entry point: import { OpenWeights } from "openweights/node".`,
    ),
  );

export const portablePlatform: Platform = {
  openPath: needsNode,
  expandMount: (_target, path) => needsNode(path),
  saveFile: (path) => needsNode(path),
};
