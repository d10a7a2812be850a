import { z } from "zod";
import { Cursor, Limit, openEnum, Timestamp, Uuid } from "./common.ts";
import { ProviderName, WorkerStatus } from "./enums.ts";

export const Worker = z.object({
  id: z.string(),
  organization_id: Uuid,
  status: openEnum(WorkerStatus),
  provider: openEnum(ProviderName),
  pod_id: z.string().nullable(),
  image: z.string(),
  hardware_type: z.string().nullable(),
  gpu_type: z.string().nullable(),
  gpu_count: z.number(),
  vram_gb: z.number(),
  cached_models: z.array(z.string()),
  cost_per_hour: z.number(),
  shutdown_requested: z.boolean(),
  last_heartbeat_at: Timestamp.nullable(),
  created_at: Timestamp,
  terminated_at: Timestamp.nullable(),
});
export type Worker = z.infer<typeof Worker>;

export const WorkerListQuery = z.strictObject({
  status: WorkerStatus.optional(),
  limit: Limit,
  cursor: Cursor,
});

/** Where a worker log line came from: the pod's boot script, ow-worker, or the provider's container log. */
export const WorkerLogSource = z.enum(["boot", "worker", "provider"]);

export const WorkerLogLine = z.object({
  id: z.number(),
  source: WorkerLogSource,
  line: z.string(),
  created_at: Timestamp,
});
export type WorkerLogLine = z.infer<typeof WorkerLogLine>;

/** `after`: the last line id already read (lines come oldest first). */
export const WorkerLogQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, "must be a line id (a whole number ≥ 0)")
    .transform(Number)
    .default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const WorkerLogPage = z.object({
  object: z.literal("list"),
  data: z.array(WorkerLogLine),
  /** Pass as `after` to read on; null when nothing more was there. */
  next_after: z.number().nullable(),
});
export type WorkerLogPage = z.infer<typeof WorkerLogPage>;

/** Worker ids as the scaler and `ow-worker` make them. */
export const WorkerId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, '_', '.' or '-' (max 100)");
