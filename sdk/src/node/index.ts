/**
 * `openweights/node` — everything from `openweights`, with an OpenWeights whose files and mounts
 * accept local paths and directories (walked with the ignore list and `.owignore`).
 */
import { type ClientOptions, OpenWeights as PortableOpenWeights } from "../index.ts";
import { run } from "../job/run.ts";
import { nodeJobScripts } from "../jobs/node-scripts.ts";
import { nodePlatform, writeResponseToFile } from "./files.ts";
import { nodeUploadFetch } from "./http-upload.ts";

export * from "../index.ts";
export { findJobScriptsDir, listJobScripts, nodeJobScripts } from "../jobs/node-scripts.ts";
export { fileFromPath, nodePlatform, walkDirectory, writeResponseToFile } from "./files.ts";
export { DEFAULT_IGNORES, IGNORE_FILE, IgnoreList } from "./ignore.ts";

export class OpenWeights extends PortableOpenWeights {
  constructor(options: ClientOptions = {}) {
    super({
      ...options,
      platform: options.platform ?? nodePlatform,
      // built-in jobs mount the scripts shipped in the package's job-scripts/ folder
      jobScripts: options.jobScripts ?? nodeJobScripts(),
      // an injected fetch (tests, proxies) carries uploads too; otherwise node:http keeps memory flat
      uploadFetch: options.uploadFetch ?? (options.fetch ? undefined : nodeUploadFetch),
    });
  }

  /** The job-side helper (params.json, events, uploads) — the same object as `openweights/job`'s `run`. */
  get run(): typeof run {
    return run;
  }

  /** Downloads a file's bytes to a local path. */
  async download(fileId: string, path: string): Promise<void> {
    await writeResponseToFile(await this.files.content(fileId), path);
  }
}

export default OpenWeights;
