// Exchanges the session's API token for a short-lived JWT at the api (POST /api/auth/token), the
// same exchange the SDK makes; answers the browser with what it needs to work until expiry.
import { z } from "zod";
import { serverEnv } from "./server-env.ts";

const Exchange = z.object({
  access_token: z.string(),
  expires_at: z.number(),
  organization_id: z.string().nullable(),
  role: z.string().nullable(),
});

export interface SessionInfo {
  accessToken: string;
  expiresAt: number;
  organizationId: string | null;
  role: string | null;
  /** Where live updates come from; null = long-poll the api. */
  realtime: { url: string; key: string } | null;
}

export type ExchangeResult =
  | { ok: true; session: SessionInfo }
  | { ok: false; status: number; message: string };

export async function exchangeToken(token: string): Promise<ExchangeResult> {
  const env = serverEnv();
  const res = await fetch(`${env.OW_API_URL}/api/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
    cache: "no-store",
  });
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok)
    return {
      ok: false,
      status: res.status,
      message: body?.error?.message ?? `the api answered ${res.status}`,
    };
  const parsed = Exchange.safeParse(body);
  if (!parsed.success)
    return { ok: false, status: 502, message: "the api's token exchange answered an unexpected shape" };
  const realtime =
    env.SUPABASE_URL && env.SUPABASE_PUBLISHABLE_KEY
      ? { url: env.SUPABASE_URL, key: env.SUPABASE_PUBLISHABLE_KEY }
      : null;
  return {
    ok: true,
    session: {
      accessToken: parsed.data.access_token,
      expiresAt: parsed.data.expires_at,
      organizationId: parsed.data.organization_id,
      role: parsed.data.role,
      realtime,
    },
  };
}
