/**
 * Custom job families: a zod schema for params, an image, mounted files and an argv entrypoint.
 * The entrypoint never sees params pasted into a shell string: the worker writes them to
 * `params.json` in the job's working directory (read them with `run.params()` from
 * `openweights/job`).
 */
import type { JobSubmission } from "@contract";
import type { z } from "zod";
import { InvalidParamsError } from "../core/errors.ts";
import type { PagePromise } from "../core/pagination.ts";
import type { Platform } from "../core/platform.ts";
import type { Files } from "../resources/files.ts";
import type { Job, JobListParams, Jobs, SubmitResult } from "../resources/jobs.ts";
import type { CallOptions } from "../resources/resource.ts";
import { expandMounts, type MountSource, uploadMounts } from "./mounts.ts";

export interface JobDefinition<S extends z.ZodType> {
  /** Job type and id prefix: lowercase letters, digits, `-`, `_`. */
  type: string;
  params: S;
  image: string;
  /** argv, or a function of the validated params returning argv. */
  entrypoint: string[] | ((params: z.output<S>) => string[]);
  /** `{ "path/in/job/dir": localPathOrBytes }`; a directory mounts every file under it. */
  mount?: Record<string, MountSource>;
  requiresVramGb?: number;
  allowedHardware?: string[] | null;
  /** Names of organization secrets the job may read. */
  secrets?: string[];
  timeoutSeconds?: number;
  maxAttempts?: number;
  priority?: number;
  model?: string | ((params: z.output<S>) => string | null);
}

export interface JobCreateOptions extends CallOptions {
  idSuffix?: string;
  /** Rerun even if an identical job already completed. */
  force?: boolean;
  requiresVramGb?: number;
  allowedHardware?: string[] | null;
  priority?: number;
}

/** A job whose params are typed by the family's schema. */
export type TypedJob<S extends z.ZodType> = Omit<Job, "params"> & { params: z.output<S> };

interface FamilyDeps {
  jobs: Jobs;
  files: Files;
  platform: Platform;
}

export class JobFamily<S extends z.ZodType> {
  constructor(
    readonly definition: JobDefinition<S>,
    private readonly deps: FamilyDeps,
  ) {}

  get type(): string {
    return this.definition.type;
  }

  /** Validates params, uploads the mounts, and builds the submission without sending it. */
  async submission(params: z.input<S>, options: JobCreateOptions = {}): Promise<JobSubmission> {
    const def = this.definition;
    const parsed = def.params.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      throw new InvalidParamsError(def.type, issues);
    }
    const valid = parsed.data as z.output<S>;
    const mounts = await uploadMounts(
      await expandMounts(def.mount ?? {}, this.deps.platform),
      this.deps.files,
      options.signal,
    );
    const submission: JobSubmission = {
      type: def.type,
      image: def.image,
      entrypoint: typeof def.entrypoint === "function" ? def.entrypoint(valid) : [...def.entrypoint],
      params: valid as Record<string, unknown>,
      mounts,
      requires_vram_gb: options.requiresVramGb ?? def.requiresVramGb,
      allowed_hardware: options.allowedHardware !== undefined ? options.allowedHardware : def.allowedHardware,
      priority: options.priority ?? def.priority,
      timeout_seconds: def.timeoutSeconds,
      max_attempts: def.maxAttempts,
      secrets: def.secrets,
      model: typeof def.model === "function" ? def.model(valid) : def.model,
      id_suffix: options.idSuffix,
      force: options.force,
    };
    return dropUndefined(submission);
  }

  async create(params: z.input<S>, options: JobCreateOptions = {}): Promise<TypedJob<S> & SubmitResult> {
    const submission = await this.submission(params, options);
    const { signal, timeout, maxRetries } = options;
    return (await this.deps.jobs.create(submission, { signal, timeout, maxRetries })) as TypedJob<S> &
      SubmitResult;
  }

  list(params: Omit<JobListParams, "type"> = {}, options: CallOptions = {}): PagePromise<TypedJob<S>> {
    return this.deps.jobs.list({ ...params, type: this.type }, options) as unknown as PagePromise<
      TypedJob<S>
    >;
  }

  async retrieve(jobId: string, options: CallOptions = {}): Promise<TypedJob<S>> {
    return (await this.deps.jobs.retrieve(jobId, options)) as TypedJob<S>;
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
