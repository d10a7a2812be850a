// The dashboard server's configuration, parsed once (every problem listed at once). Read at run
// time, so the same build serves the local stack and a Vercel deployment.
import { z } from "zod";

const ServerEnv = z.object({
  /** The functions base URL (…/functions/v1); the dashboard calls its `api` function. */
  OW_API_URL: z.string().url().default("http://127.0.0.1:54321/functions/v1"),
  /** Seals the session cookie (an API token or a Supabase session); 32+ random characters. */
  DASHBOARD_SESSION_SECRET: z.string().min(32),
  /** Supabase project URL (Realtime, and Auth for email sign-in); unset = long-poll, tokens only. */
  SUPABASE_URL: z.string().url().optional(),
  /** The project's publishable (or legacy anon) key, which the browser sends to Realtime and Auth. */
  SUPABASE_PUBLISHABLE_KEY: z.string().min(1).optional(),
  /** `off` hides email/password sign-in even where Supabase Auth is configured. */
  DASHBOARD_EMAIL_AUTH: z.enum(["on", "off"]).default("on"),
});
export type ServerEnv = z.infer<typeof ServerEnv>;

let parsed: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (parsed) return parsed;
  const result = ServerEnv.safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid dashboard configuration:\n${problems}`);
  }
  parsed = result.data;
  return parsed;
}
