// The scale function's configuration: the shared function env plus provider and policy settings.
import { z } from "zod";

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
