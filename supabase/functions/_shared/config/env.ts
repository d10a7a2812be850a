// Function configuration, parsed once at start-up from the environment; every problem is listed
// at once. Nothing else reads Deno.env / process.env.
import { z } from "zod";

const Seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const FunctionEnv = z
  .object({
    /** Injected by Supabase into every function; locally set by the stack. */
    SUPABASE_DB_URL: z.string().min(1),
    /**
     * The connection the functions use, as the least-privileged `openweights_functions` login
     * (migration *_functions_login_role.sql). Wins over SUPABASE_DB_URL, which Supabase injects as a
     * far more privileged user.
     */
    OW_DB_URL: z.string().min(1).optional(),
    SUPABASE_URL: z.string().url().optional(),
    /** A service key: the legacy service_role JWT or a new opaque `sb_secret_…` key. */
    SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
    /** The same, under the name new projects use; wins over SUPABASE_SERVICE_ROLE_KEY. */
    SUPABASE_SECRET_KEY: z.string().optional(),
    /** Supabase Auth sessions: the project's JWKS (default: derived from SUPABASE_URL). */
    SUPABASE_JWKS_URL: z.string().url().optional(),
    /** The project's legacy HS256 JWT secret, if it signs sessions and differs from OW_JWT_SECRET. */
    SUPABASE_JWT_SECRET: z.string().min(32).optional(),
    /** HS256 secret for the JWTs we issue (the project's JWT secret on hosted Supabase). */
    OW_JWT_SECRET: z.string().min(32).optional(),
    /** Alternatively an ES256 private key (JWK JSON) published at /api/auth/jwks. */
    OW_JWT_PRIVATE_JWK: z.string().optional(),
    OW_JWT_KID: z.string().default("openweights-1"),
    OW_JWT_TTL_SECONDS: Seconds(900),
    /** base64 of 32 random bytes: encrypts organization secrets. */
    OW_SECRETS_KEY: z.string().min(40),
    OW_FILE_STORE: z.enum(["local", "supabase"]).default("local"),
    OW_LOCAL_FILES_DIR: z.string().default(".openweights/files"),
    OW_STORAGE_BUCKET: z.string().default("files"),
    /** Public base URL of the functions, for signed local-file URLs (…/functions/v1). */
    OW_PUBLIC_URL: z.string().url().default("http://127.0.0.1:54321/functions/v1"),
    OW_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 1024 ** 3),
    OW_LEASE_SECONDS: Seconds(60),
    OW_HEARTBEAT_SECONDS: Seconds(10),
    OW_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Where the api kicks the scaler after a submission finds no idle capacity (optional). */
    OW_SCALE_URL: z.string().url().optional(),
    OW_SCALE_SECRET: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.OW_JWT_SECRET && !env.OW_JWT_PRIVATE_JWK) {
      ctx.addIssue({
        code: "custom",
        path: ["OW_JWT_SECRET"],
        message: "set OW_JWT_SECRET (HS256) or OW_JWT_PRIVATE_JWK (ES256)",
      });
    }
    if (
      env.OW_FILE_STORE === "supabase" &&
      (!env.SUPABASE_URL || !(env.SUPABASE_SECRET_KEY ?? env.SUPABASE_SERVICE_ROLE_KEY))
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["OW_FILE_STORE"],
        message:
          "the supabase file store needs SUPABASE_URL and SUPABASE_SECRET_KEY (or SUPABASE_SERVICE_ROLE_KEY)",
      });
    }
  });
export type FunctionEnv = z.infer<typeof FunctionEnv>;

export function parseFunctionEnv(raw: Record<string, string | undefined>): FunctionEnv {
  const result = FunctionEnv.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid function configuration:\n${problems}`);
  }
  return result.data;
}

/** Where the functions connect: OW_DB_URL (the least-privileged login) when set, else SUPABASE_DB_URL. */
export function functionDatabaseUrl(env: Pick<FunctionEnv, "OW_DB_URL" | "SUPABASE_DB_URL">): string {
  return env.OW_DB_URL ?? env.SUPABASE_DB_URL;
}
