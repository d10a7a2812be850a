import { z } from "zod";
import { Cursor, FileId, Limit, openEnum, SecretName, Timestamp, Uuid } from "./common.ts";
import { FailureKind, JobStatus, RunStatus } from "./enums.ts";

/** Job families double as id prefixes: `fine-tuning-3f2a…`. */
export const JobType = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,39}$/,
    "must be lowercase letters, digits, '-' or '_' (max 40), starting with a letter",
  );

/**
 * What the worker itself puts in a job's working directory. A mount may not land on or under
 * these: the worker refused such a mount only after the claim, as a system_error retried five
 * times (issue 11, item 9). The worker checks mounts with the same function (workdir.ts).
 */
export const RESERVED_JOB_PATHS = { platformDir: ".openweights", params: "params.json" } as const;

/** Why `path` cannot be a mount path, or null when it can. The one rule for the api and the worker. */
export function mountPathProblem(path: string): string | null {
  if (path.length === 0 || path.length > 500) return "must be 1-500 characters";
  const segments = path.split("/");
  if (
    path.startsWith("/") ||
    segments.some((s) => s === ".." || s === "." || s === "") ||
    path.includes("\0") ||
    path.includes("\\")
  )
    return "must be a relative path without '..', '.', empty segments or backslashes";
  if (Object.values(RESERVED_JOB_PATHS).includes(segments[0] as never))
    return `${segments[0]} is reserved for the platform in the job's working directory`;
  return null;
}

/** A relative path inside the job's working directory (see mountPathProblem). */
export const MountPath = z.string().superRefine((p, ctx) => {
  const problem = mountPathProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** No job needs more; a claim lists every mount with a signed URL (10,000 made a 5.5 MB claim). */
export const MAX_MOUNTS = 1000;

/** Path → file id. One mount may not be a directory of another ("a" and "a/b" cannot both be files). */
export const Mounts = z.record(MountPath, FileId).superRefine((mounts, ctx) => {
  const paths = Object.keys(mounts);
  if (paths.length > MAX_MOUNTS) {
    ctx.addIssue({ code: "custom", message: `at most ${MAX_MOUNTS} mounts per job` });
    return;
  }
  const files = new Set(paths);
  for (const path of paths) {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (files.has(parent))
        ctx.addIssue({
          code: "custom",
          path: [path],
          message: `${parent} is mounted as a file, so it cannot be a directory`,
        });
    }
  }
});

export const Image = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9][a-z0-9._/:@-]*$/, "must be a container image reference like `org/name:tag`");

export const JsonObject = z.record(z.string(), z.unknown());

/**
 * `params.ow_pod`: a job's own pod storage, over its family's default (whole GB; RunPod's floor
 * for a volume is 10). Checked at submission, so a typo is a 400 rather than a default.
 */
export const PodStorageOverride = z.strictObject({
  container_disk_gb: z.number().int().min(1).max(4000).optional(),
  volume_gb: z.number().int().min(10).max(4000).optional(),
});

/** Params: a free-form JSON object; the platform's own key (`ow_pod`) must be well-formed. */
const JobParams = JsonObject.superRefine((params, ctx) => {
  if (!("ow_pod" in params)) return;
  const parsed = PodStorageOverride.safeParse(params.ow_pod);
  for (const issue of parsed.error?.issues ?? [])
    ctx.addIssue({ code: "custom", path: ["ow_pod", ...issue.path.map(String)], message: issue.message });
});

export const JOB_DEFAULTS = {
  requires_vram_gb: 24,
  priority: 0,
  timeout_seconds: 24 * 3600,
  /** One try of the job's own code: a typo must not cost three GPU runs (issue 15). Platform
   * failures retry regardless. SQL's column default is held equal by a parity test. */
  max_attempts: 1,
} as const;

/**
 * A submission. The id is `{type}-{sha256(canonical_json({type, image, entrypoint, params, mounts}) + organization_id)[:12]}`
 * (keys sorted, no whitespace), plus `-{id_suffix}` when given: scheduling hints (VRAM, hardware,
 * priority, timeout, attempts, secrets) are not part of a job's identity.
 */
export const JobSubmission = z.strictObject({
  type: JobType,
  image: Image,
  entrypoint: z.array(z.string().min(1).max(4096)).min(1).max(256),
  params: JobParams.default({}),
  mounts: Mounts.default({}),
  requires_vram_gb: z.number().int().min(0).max(1536).default(JOB_DEFAULTS.requires_vram_gb),
  allowed_hardware: z.array(z.string().min(1).max(64)).min(1).max(32).nullable().default(null),
  priority: z.number().int().min(-100).max(100).default(JOB_DEFAULTS.priority),
  timeout_seconds: z
    .number()
    .int()
    .min(10)
    .max(30 * 86400)
    .default(JOB_DEFAULTS.timeout_seconds),
  max_attempts: z.number().int().min(1).max(20).default(JOB_DEFAULTS.max_attempts),
  secrets: z.array(SecretName).max(64).default([]),
  /** Model the job loads; workers that cached it are preferred. */
  model: z.string().min(1).max(300).nullable().default(null),
  id_suffix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,60}$/, "must be 1-60 of A-Z a-z 0-9 _ . -")
    .nullable()
    .default(null),
  /** Rerun even if the same job already completed. */
  force: z.boolean().default(false),
});
export type JobSubmission = z.input<typeof JobSubmission>;
export type ParsedJobSubmission = z.output<typeof JobSubmission>;

export const Job = z.object({
  id: z.string(),
  object: z.literal("job").default("job"),
  organization_id: Uuid,
  type: z.string(),
  status: openEnum(JobStatus),
  image: z.string(),
  entrypoint: z.array(z.string()),
  params: JsonObject,
  mounts: z.record(z.string(), z.string()),
  requires_vram_gb: z.number(),
  allowed_hardware: z.array(z.string()).nullable(),
  priority: z.number(),
  timeout_seconds: z.number(),
  max_attempts: z.number(),
  attempts: z.number(),
  secrets: z.array(z.string()),
  model: z.string().nullable(),
  outputs: JsonObject.nullable(),
  failure_kind: openEnum(FailureKind).nullable(),
  failure_message: z.string().nullable(),
  /** Why a pending job still waits, as the scaler last saw it. */
  waiting_reason: z.string().nullable().optional(),
  worker_id: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
});
export type Job = z.infer<typeof Job>;

export const SubmitResult = Job.extend({ created: z.boolean().optional(), reset: z.boolean().optional() });

export const JobListQuery = z.strictObject({
  status: JobStatus.optional(),
  type: JobType.optional(),
  /** JSON object; matches jobs whose params contain it (jsonb `@>`). */
  params: z.string().max(10_000).optional(),
  created_after: z.iso.datetime({ offset: true }).optional(),
  created_before: z.iso.datetime({ offset: true }).optional(),
  limit: Limit,
  cursor: Cursor,
});

export const Run = z.object({
  id: Uuid,
  job_id: z.string(),
  worker_id: z.string().nullable(),
  attempt: z.number(),
  status: openEnum(RunStatus),
  lease_expires_at: Timestamp.nullable(),
  exit_code: z.number().nullable(),
  failure_kind: openEnum(FailureKind).nullable(),
  failure_message: z.string().nullable(),
  started_at: Timestamp,
  finished_at: Timestamp.nullable(),
});
export type Run = z.infer<typeof Run>;

export const Event = z.object({
  id: z.number(),
  run_id: Uuid,
  job_id: z.string(),
  seq: z.number(),
  type: z.string().nullable(),
  data: JsonObject,
  created_at: Timestamp,
});
export type Event = z.infer<typeof Event>;

export const EventListQuery = z.strictObject({
  run_id: Uuid.optional(),
  type: z.string().max(100).optional(),
  limit: Limit,
  cursor: Cursor,
});

export const LatestEventsQuery = z.strictObject({
  /** Comma-separated field names; omitted = merge every field. */
  fields: z.string().max(2000).optional(),
  run_id: Uuid.optional(),
});

/**
 * A job's metric series, downsampled in the database: every event with a numeric `step` gives a
 * point to each of its other numeric fields, per run; a series longer than 2 × buckets keeps each
 * bucket's lowest and highest point (dashboard/lib/downsample.ts draws with the same rule; a
 * parity test holds them together). One request instead of paging every event: a run page with
 * 100,000 points read 100 pages of events before (BENCHMARKS.md).
 */
export const MetricSeriesQuery = z.strictObject({
  buckets: z.coerce.number().int().min(10).max(5000).default(1500),
});

export const MetricSeries = z.object({
  object: z.literal("metric_series"),
  /** Every event up to this id is in `series`; later ones are read with the events list's cursor. */
  through_event_id: z.number(),
  /** Each run's highest event seq up to through_event_id. */
  runs: z.array(z.object({ run_id: Uuid, last_seq: z.number() })),
  series: z.array(
    z.object({
      run_id: Uuid,
      name: z.string(),
      /** Points the series has; steps/values hold the downsampled ones. */
      points: z.number(),
      steps: z.array(z.number()),
      values: z.array(z.number()),
    }),
  ),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const LogChunk = z.object({
  run_id: Uuid,
  seq: z.number(),
  /** One char per line: `o` stdout, `e` stderr. */
  streams: z.string(),
  lines: z.array(z.string()),
  created_at: Timestamp,
});
export type LogChunk = z.infer<typeof LogChunk>;

export const LogQuery = z.strictObject({
  run_id: Uuid.optional(),
  /** Return chunks with seq > after_seq. */
  after_seq: z.coerce.number().int().min(-1).max(2_147_483_647).default(-1),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Long-poll: wait up to this many seconds for new lines. */
  wait: z.coerce.number().int().min(0).max(25).default(0),
});

export const LogPage = z.object({
  run_id: Uuid.nullable(),
  chunks: z.array(LogChunk),
  next_after_seq: z.number(),
  run_finished: z.boolean(),
});
export type LogPage = z.infer<typeof LogPage>;
