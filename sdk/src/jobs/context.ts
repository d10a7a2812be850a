/** What the built-in job families need from the client, and the options that configure them. */

import type { BuiltInImages } from "../../../supabase/functions/_shared/jobs/images.ts";
import type { Clock } from "../core/clock.ts";
import { OpenWeightsError } from "../core/errors.ts";
import type { FetchLike } from "../core/http.ts";
import type { Platform } from "../core/platform.ts";
import type { MountSource } from "../custom-jobs/mounts.ts";
import type { Events } from "../resources/events.ts";
import type { Files } from "../resources/files.ts";
import type { Jobs } from "../resources/jobs.ts";
import type { Runs } from "../resources/runs.ts";
import type { Workers } from "../resources/workers.ts";

export { type BuiltInImages, DEFAULT_IMAGES } from "../../../supabase/functions/_shared/jobs/images.ts";

/** The job-side scripts to mount: `{ "relative/target.py": local path or bytes }`. */
export type JobScriptsLoader = () => Promise<Record<string, MountSource>>;

export interface BuiltInJobsOptions {
  images?: Partial<BuiltInImages> | undefined;
  /** Hugging Face org for `{org_id}` in `finetuned_model_id`. Default: $HF_ORG, else $HF_USER. */
  hfOrg?: string | undefined;
  /** Where the job-side scripts come from; `openweights/node` reads the package's `job-scripts/`. */
  jobScripts?: JobScriptsLoader | undefined;
}

export interface BuiltInContext {
  jobs: Jobs;
  files: Files;
  events: Events;
  runs: Runs;
  workers: Workers;
  platform: Platform;
  clock: Clock;
  fetch: FetchLike;
  images: BuiltInImages;
  hfOrg: string | undefined;
  jobScripts: JobScriptsLoader;
}

export const missingJobScripts: JobScriptsLoader = () =>
  Promise.reject(
    new OpenWeightsError(
      'Built-in jobs mount their Python scripts from the package\'s job-scripts/ folder: import { OpenWeights } from "openweights/node", or pass { jobScripts } (target → bytes) to the client.',
    ),
  );
