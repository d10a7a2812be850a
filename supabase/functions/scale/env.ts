// The scale function's configuration: the shared function env plus provider and policy settings.
import { z } from "zod";
import { UPLOAD_TICKET_SECONDS } from "../_shared/files/file-store.ts";

// A staged upload may be swept only once no ticket that could finalize it is alive; an hour's
// margin over the ticket covers clocks that disagree.
const MIN_STAGING_AGE_SECONDS = UPLOAD_TICKET_SECONDS + 3600;

export const ScaleEnv = z
  .object({
    OW_PROVIDER: z.enum(["runpod", "local"]).default("runpod"),
    /** Distinguishes this deployment's pods from anything else on the same RunPod account. */
    OW_DEPLOYMENT_ID: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, "lowercase letters, digits and '-'")
      .default("openweights"),
    /** Callers of the scale function must present this bearer (pg_cron, the api's kick, a local loop). */
    OW_SCALE_SECRET: z.string().min(16),
    /** The worker-api/api base URL pods use (…/functions/v1). */
    OW_WORKER_API_URL: z.string().url().optional(),
    /** Deployment-wide RunPod key, used when an organization has no RUNPOD_API_KEY secret. */
    OW_RUNPOD_API_KEY: z.string().optional(),
    OW_RUNPOD_REST_URL: z.string().url().optional(),
    OW_POD_AGENT_URL: z.string().url().optional(),
    OW_POD_AGENT_TOKEN: z.string().optional(),
    /** The self-contained worker executable pods download (published by `npm run release:worker`). */
    OW_WORKER_BINARY_URL: z.string().url().optional(),
    OW_WORKER_BINARY_SHA256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "64 lowercase hex digits")
      .optional(),
    /** Staged uploads nobody finalized are deleted once their last write is this old. */
    OW_STAGING_MAX_AGE_SECONDS: z.coerce
      .number()
      .int()
      .min(MIN_STAGING_AGE_SECONDS, `at least ${MIN_STAGING_AGE_SECONDS}: longer than an upload ticket lives`)
      .default(24 * 3600),
    /** Per tick, at most this many staged objects are deleted (and organization folders looked into). */
    OW_STAGING_SWEEP_LIMIT: z.coerce.number().int().min(1).max(1000).default(100),
    /** JSON object overriding ScalingConfig defaults (e.g. {"idleTimeoutSeconds": 60}). */
    OW_SCALING_CONFIG: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.OW_WORKER_BINARY_URL === undefined) !== (env.OW_WORKER_BINARY_SHA256 === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["OW_WORKER_BINARY_SHA256"],
        message: "OW_WORKER_BINARY_URL and OW_WORKER_BINARY_SHA256 go together",
      });
    }
    if (env.OW_PROVIDER === "local" && (!env.OW_POD_AGENT_URL || !env.OW_POD_AGENT_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["OW_POD_AGENT_URL"],
        message: "the local provider needs OW_POD_AGENT_URL and OW_POD_AGENT_TOKEN",
      });
    }
  });
export type ScaleEnv = z.infer<typeof ScaleEnv>;

export function parseScaleEnv(raw: Record<string, string | undefined>): ScaleEnv {
  const result = ScaleEnv.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `invalid scale configuration:\n${result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  }
  return result.data;
}
