// Email/password accounts through Supabase Auth with supabase-js, in the page. The client keeps
// nothing (persistSession off: no localStorage); a session it gets is handed once to
// /api/session, which seals it into the httpOnly cookie. A user with no organization yet gets
// their first one here (POST /api/organizations as that user), then the session is sealed.
import { createClient, type Session, type SupabaseClient } from "@supabase/supabase-js";

export interface EmailAuthConfig {
  url: string;
  key: string;
}

export function authClient(config: EmailAuthConfig): SupabaseClient {
  return createClient(config.url, config.key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

async function postSession(session: Session): Promise<Response> {
  return fetch("/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      supabase: {
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        expires_at: session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in,
      },
    }),
  });
}

async function message(res: Response, fallback: string): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `${fallback} (${res.status})`;
}

/** Seals the session into the cookie, creating the user's first organization if they have none. */
export async function establishSession(session: Session, organizationName: string): Promise<string | null> {
  let res = await postSession(session);
  if (res.status !== 403) return res.ok ? null : message(res, "sign-in failed");
  const created = await fetch("/ow/api/organizations", {
    method: "POST",
    headers: { authorization: `Bearer ${session.access_token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: organizationName }),
  });
  if (!created.ok) return message(created, "creating your organization failed");
  res = await postSession(session);
  return res.ok ? null : message(res, "sign-in failed");
}

export function defaultOrganizationName(email: string): string {
  return `${email.split("@")[0] || "my"}'s organization`.slice(0, 100);
}
