/**
 * A built-in job family: validates params with its zod schema, mounts the job-side scripts and
 * the datasets the params name, guesses VRAM, and submits. The submission holds only content
 * hashes and relative paths, so the same request gives the same bytes (and job id) anywhere.
 */
import type { JobSubmission } from "@contract";
import type { z } from "zod";
import { FILE_ID_PATTERN } from "../../../supabase/functions/_shared/jobs/param-rules.ts";
import { InvalidParamsError } from "../core/errors.ts";
import type { PagePromise } from "../core/pagination.ts";
import { expandMounts, uploadMounts } from "../custom-jobs/mounts.ts";
import type { TypedJob } from "../custom-jobs/register.ts";
import type { JobListParams, SubmitResult } from "../resources/jobs.ts";
import type { CallOptions } from "../resources/resource.ts";
import type { BuiltInContext, BuiltInImages } from "./context.ts";

/** Scheduling knobs the original took next to the params (`create(requires_vram_gb=…, allowed_hardware=…)`). */
export interface InlineJobOptions {
  requires_vram_gb?: number | "guess" | undefined;
  allowed_hardware?: string[] | null | undefined;
}

export interface BuiltInCreateOptions extends CallOptions {
  /** A number, or "guess" (the default): the family's estimate from the model name. */
  requiresVramGb?: number | "guess" | undefined;
  allowedHardware?: string[] | null | undefined;
  priority?: number | undefined;
  timeoutSeconds?: number | undefined;
  maxAttempts?: number | undefined;
  /** Rerun even if the same job already completed. */
  force?: boolean | undefined;
  /** Override the family's worker image for this job. */
  image?: string | undefined;
  /** HF org for `{org_id}` (training jobs); overrides the client's. */
  hfOrg?: string | undefined;
}

/** Mounts a dataset (file id, or local path uploaded with `purpose`) and returns its path in the job dir. */
export type DatasetMounter = (ref: string, purpose: string) => Promise<string>;

export interface FinalizeInput<P> {
  /** The validated params as the user gave them (dataset refs not yet replaced). */
  given: P;
  hfOrg: string | undefined;
}

export interface FamilySpec<S extends z.ZodType> {
  type: string;
  schema: S;
  image: keyof BuiltInImages;
  entrypoint: string[];
  /** Replaces every dataset ref in the params by its mounted path. */
  datasets?: (params: z.output<S>, mount: DatasetMounter) => Promise<z.output<S>>;
  vramGuess: (params: z.output<S>, allowedHardware: string[] | null) => number;
  timeoutSeconds?: number;
  /** Last edits that need the whole request (e.g. expanding `finetuned_model_id`). */
  finalize?: (params: z.output<S>, input: FinalizeInput<z.output<S>>) => Promise<z.output<S>>;
}

export type BuiltInInput<S extends z.ZodType> = z.input<S> & InlineJobOptions;

export class BuiltInFamily<S extends z.ZodType> {
  constructor(
    readonly spec: FamilySpec<S>,
    protected readonly ctx: BuiltInContext,
  ) {}

  get type(): string {
    return this.spec.type;
  }

  /** Validates, uploads what is missing, and returns the submission without sending it. */
  async submission(input: BuiltInInput<S>, options: BuiltInCreateOptions = {}): Promise<JobSubmission> {
    const { requires_vram_gb, allowed_hardware, ...raw } = input as Record<string, unknown> &
      InlineJobOptions;
    const allowedHardware =
      options.allowedHardware !== undefined ? options.allowedHardware : (allowed_hardware ?? null);
    const given = this.parse(raw);
    const vram = this.vram(options.requiresVramGb ?? requires_vram_gb, given, allowedHardware);
    const dataMounts: Record<string, string> = {};
    const mountDataset: DatasetMounter = async (ref, purpose) => {
      const id = FILE_ID_PATTERN.test(ref)
        ? ref
        : (await this.ctx.files.upload(ref, purpose, { signal: options.signal })).id;
      const target = `data/${id}.jsonl`;
      dataMounts[target] = id;
      return target;
    };
    let params = this.spec.datasets ? await this.spec.datasets(given, mountDataset) : given;
    const scripts = await uploadMounts(
      await expandMounts(await this.ctx.jobScripts(), this.ctx.platform),
      this.ctx.files,
      options.signal,
    );
    const mounts = sortedRecord({ ...scripts, ...dataMounts });
    const image = options.image ?? this.ctx.images[this.spec.image];
    const entrypoint = [...this.spec.entrypoint];
    if (this.spec.finalize)
      params = await this.spec.finalize(params, { given, hfOrg: options.hfOrg ?? this.ctx.hfOrg });
    const p = params as Record<string, unknown>;
    const submission: JobSubmission = {
      type: this.type,
      image,
      entrypoint,
      params: p,
      mounts,
      requires_vram_gb: vram,
      allowed_hardware: allowedHardware,
      priority: options.priority,
      timeout_seconds: options.timeoutSeconds ?? this.spec.timeoutSeconds,
      max_attempts: options.maxAttempts,
      secrets: ["HF_TOKEN"],
      model: typeof p.model === "string" ? p.model : null,
      id_suffix: typeof p.job_id_suffix === "string" ? p.job_id_suffix : null,
      force: options.force,
    };
    return Object.fromEntries(Object.entries(submission).filter(([, v]) => v !== undefined)) as JobSubmission;
  }

  async create(
    input: BuiltInInput<S>,
    options: BuiltInCreateOptions = {},
  ): Promise<TypedJob<S> & SubmitResult> {
    const submission = await this.submission(input, options);
    const { signal, timeout, maxRetries } = options;
    return (await this.ctx.jobs.create(submission, { signal, timeout, maxRetries })) as TypedJob<S> &
      SubmitResult;
  }

  list(params: Omit<JobListParams, "type"> = {}, options: CallOptions = {}): PagePromise<TypedJob<S>> {
    return this.ctx.jobs.list({ ...params, type: this.type }, options) as unknown as PagePromise<TypedJob<S>>;
  }

  async retrieve(jobId: string, options: CallOptions = {}): Promise<TypedJob<S>> {
    return (await this.ctx.jobs.retrieve(jobId, options)) as TypedJob<S>;
  }

  protected parse(raw: Record<string, unknown>): z.output<S> {
    const parsed = this.spec.schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      throw new InvalidParamsError(this.type, issues);
    }
    return parsed.data as z.output<S>;
  }

  private vram(asked: unknown, params: z.output<S>, allowedHardware: string[] | null): number {
    if (asked === undefined || asked === "guess") return this.spec.vramGuess(params, allowedHardware);
    if (typeof asked !== "number" || !Number.isInteger(asked) || asked < 0)
      throw new InvalidParamsError(this.type, [
        { path: "requires_vram_gb", message: 'must be a whole number of GB >= 0 or "guess"' },
      ]);
    return asked;
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
