// Whether email/password accounts are offered: where Supabase Auth is configured (the project URL
// and publishable key), unless DASHBOARD_EMAIL_AUTH=off (a token-only deployment). Server-only.
import type { EmailAuthConfig } from "./email-auth.ts";
import { serverEnv } from "./server-env.ts";

export function emailAuthConfig(): EmailAuthConfig | null {
  const env = serverEnv();
  if (env.DASHBOARD_EMAIL_AUTH === "off" || !env.SUPABASE_URL || !env.SUPABASE_PUBLISHABLE_KEY) return null;
  return { url: env.SUPABASE_URL, key: env.SUPABASE_PUBLISHABLE_KEY };
}
