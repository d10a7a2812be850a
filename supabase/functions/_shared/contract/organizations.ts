// Organizations over HTTP: the caller's organizations, creating one, its caps and its spend.
import { z } from "zod";
import { Timestamp, Uuid } from "./common.ts";
import { TokenRole } from "./enums.ts";

/** One organization the caller can act for, with the caller's role in it. */
export const OrganizationMembership = z.object({
  id: Uuid,
  name: z.string(),
  created_at: Timestamp,
  role: TokenRole,
});
export type OrganizationMembership = z.infer<typeof OrganizationMembership>;

export const CreateOrganizationRequest = z.strictObject({ name: z.string().trim().min(1).max(100) });
export type CreateOrganizationRequest = z.infer<typeof CreateOrganizationRequest>;

/** The new organization and its first admin token (the only time its secret is shown). */
export const CreatedOrganization = z.object({
  organization: z.object({ id: Uuid, name: z.string(), created_at: Timestamp }),
  token: z.object({ id: Uuid, token: z.string() }),
});
export type CreatedOrganization = z.infer<typeof CreatedOrganization>;

const Usd = (max: number) => z.number().min(0).max(max).multipleOf(0.01);

/** Caps the scaler keeps: null budget = no cap. */
export const OrganizationLimits = z.object({
  max_workers: z.number(),
  max_hourly_usd: z.number().nullable(),
  max_daily_usd: z.number().nullable(),
  provisioning_paused_until: Timestamp.nullable(),
  updated_at: Timestamp,
});
export type OrganizationLimits = z.infer<typeof OrganizationLimits>;

/** Admin-only; each field optional, at least one; `null` removes a dollar cap. */
export const UpdateLimitsRequest = z
  .strictObject({
    max_workers: z.number().int().min(0).max(1000).optional(),
    max_hourly_usd: Usd(99_999_999.99).nullable().optional(),
    max_daily_usd: Usd(9_999_999_999.99).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: "set at least one of max_workers, max_hourly_usd, max_daily_usd",
  });
export type UpdateLimitsRequest = z.infer<typeof UpdateLimitsRequest>;

export const UsageQuery = z.strictObject({
  /** Per-job spend covers runs active since then (default: UTC midnight). */
  since: z.iso.datetime({ offset: true }).optional(),
  job_id: z.string().min(1).max(200).optional(),
});

export const JobSpend = z.object({
  job_id: z.string(),
  runs: z.number(),
  run_seconds: z.number(),
  spent_usd: z.number(),
});
export type JobSpend = z.infer<typeof JobSpend>;

export const OrganizationUsage = z.object({
  live_workers: z.number(),
  burn_usd_per_hour: z.number(),
  spent_last_hour_usd: z.number(),
  spent_today_usd: z.number(),
  max_workers: z.number(),
  max_hourly_usd: z.number().nullable(),
  max_daily_usd: z.number().nullable(),
  since: Timestamp,
  jobs: z.array(JobSpend),
});
export type OrganizationUsage = z.infer<typeof OrganizationUsage>;
