// Turns the sealed session into what the browser needs to work until expiry: an API token is
// exchanged for a short-lived JWT at the api (POST /api/auth/token), the same exchange the SDK
// makes; a Supabase Auth session's access token is used as it is (the api verifies Supabase
// sessions), refreshed at Supabase Auth a minute before it expires.
import { z } from "zod";
import { serverEnv } from "./server-env.ts";
import type { SealedSession } from "./session-cookie.ts";

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
  return {
    ok: true,
    session: {
      accessToken: parsed.data.access_token,
      expiresAt: parsed.data.expires_at,
      organizationId: parsed.data.organization_id,
      role: parsed.data.role,
      realtime: realtimeConfig(),
    },
  };
}

function realtimeConfig(): SessionInfo["realtime"] {
  const env = serverEnv();
  return env.SUPABASE_URL && env.SUPABASE_PUBLISHABLE_KEY
    ? { url: env.SUPABASE_URL, key: env.SUPABASE_PUBLISHABLE_KEY }
    : null;
}

const GoTrueSession = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_at: z.number(),
});
// GET /api/me's answer: the organization the session acts for and the caller's role in it.
const Me = z.object({ organization: z.object({ id: z.string() }), role: z.string() });
// The page asks for a fresh JWT a minute before expiry (session-context.tsx); refresh before that.
const REFRESH_BEFORE_SECONDS = 120;

export type SupabaseSessionResult =
  | { ok: true; session: SessionInfo; sealed: Extract<SealedSession, { kind: "supabase" }> }
  | { ok: false; status: number; code: string; message: string };

/**
 * A Supabase Auth session: refreshed at Supabase Auth when its access token is about to expire,
 * then checked at the api (GET /api/me: 403 when the user belongs to no organization yet).
 */
export async function supabaseSession(
  held: Extract<SealedSession, { kind: "supabase" }>,
): Promise<SupabaseSessionResult> {
  const env = serverEnv();
  let sealed = held;
  if (held.expiresAt - REFRESH_BEFORE_SECONDS < Date.now() / 1000) {
    if (!env.SUPABASE_URL || !env.SUPABASE_PUBLISHABLE_KEY)
      return { ok: false, status: 401, code: "session_invalid", message: "Supabase Auth is not configured" };
    const res = await fetch(`${env.SUPABASE_URL}/auth/v1/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { apikey: env.SUPABASE_PUBLISHABLE_KEY, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: held.refreshToken }),
      cache: "no-store",
    });
    const refreshed = GoTrueSession.safeParse(await res.json().catch(() => null));
    if (!res.ok || !refreshed.success)
      return { ok: false, status: 401, code: "session_invalid", message: "the session ended; sign in again" };
    sealed = {
      kind: "supabase",
      accessToken: refreshed.data.access_token,
      refreshToken: refreshed.data.refresh_token,
      expiresAt: refreshed.data.expires_at,
    };
  }
  const headers = { authorization: `Bearer ${sealed.accessToken}` };
  const me = await fetch(`${env.OW_API_URL}/api/me`, { headers, cache: "no-store" });
  const meBody = (await me.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (me.status === 403)
    return {
      ok: false,
      status: 403,
      code: "no_organization",
      message: "this account belongs to no organization yet",
    };
  const parsedMe = Me.safeParse(meBody);
  if (!me.ok || !parsedMe.success)
    return {
      ok: false,
      status: me.status === 401 ? 401 : 502,
      code: "session_invalid",
      message: meBody?.error?.message ?? `the api answered ${me.status}`,
    };
  const organizationId = parsedMe.data.organization.id;
  // The api's answer for this caller (its membership role), not a guess from the session.
  const role = parsedMe.data.role;
  return {
    ok: true,
    sealed,
    session: {
      accessToken: sealed.accessToken,
      expiresAt: sealed.expiresAt,
      organizationId,
      role,
      realtime: realtimeConfig(),
    },
  };
}
