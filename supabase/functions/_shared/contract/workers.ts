import { z } from "zod";
import { Cursor, Limit, Timestamp, Uuid } from "./common.ts";
import { WorkerStatus } from "./enums.ts";

export const Worker = z.object({
  id: z.string(),
  organization_id: Uuid,
  status: z.string(),
  provider: z.string(),
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
