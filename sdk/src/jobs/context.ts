/** What the built-in job families need from the client, and the options that configure them. */
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

/**
 * Worker images by role. They must equal the `OW_WORKER_IMAGE` of the workers that should run
 * them (workers claim only jobs of their own image); the Dockerfiles in `worker/docker` set these.
 */
export interface BuiltInImages {
  /** Fine-tuning (Unsloth + TRL + PEFT). */
  unsloth: string;
  /** Inference, serving, logprobs, weighted SFT and evals (vLLM + transformers). */
  vllm: string;
}

export const DEFAULT_IMAGES: BuiltInImages = {
  unsloth: "openweights/ow-unsloth",
  vllm: "openweights/ow-vllm",
};

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
