// Sign-in / session. POST {token} checks an `ow_` token at the api; POST {supabase} takes a
// Supabase Auth session the page just got with supabase-js (email/password) and checks it at the
// api; either is sealed into the httpOnly cookie. GET hands the page a fresh short-lived JWT (kept
// in memory only); DELETE signs out (and ends the Supabase session at Supabase Auth).
import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { z } from "zod";
import { exchangeToken, type SessionInfo, supabaseSession } from "@/lib/exchange.ts";
import { serverEnv } from "@/lib/server-env.ts";
import {
  cookieOptions,
  openSession,
  SESSION_COOKIE,
  type SealedSession,
  sealSession,
} from "@/lib/session-cookie.ts";

export const dynamic = "force-dynamic";

const SignIn = z.union([
  z.strictObject({
    token: z.string().regex(/^ow_[A-Za-z0-9_-]{43}$/, "an API token looks like ow_…"),
  }),
  z.strictObject({
    supabase: z.strictObject({
      access_token: z.string().min(1).max(8192),
      refresh_token: z.string().min(1).max(1024),
      expires_at: z.number().int().positive(),
    }),
  }),
]);

function error(status: number, code: string, message: string, field?: string) {
  return NextResponse.json(
    { error: { code, message, ...(field ? { details: { field } } : {}) } },
    { status },
  );
}

async function withCookie(request: Request, info: SessionInfo, sealed: SealedSession) {
  const response = NextResponse.json(info, { headers: { "cache-control": "no-store" } });
  const secure = new URL(request.url).protocol === "https:";
  response.cookies.set(SESSION_COOKIE, await sealSession(sealed), cookieOptions(secure));
  return response;
}

export async function POST(request: Request) {
  const body = await request.json().catch(() => undefined);
  const parsed = SignIn.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = body && typeof body === "object" && "supabase" in body ? "supabase" : "token";
    return error(400, "invalid_request", issue?.message ?? "bad body", field);
  }
  if ("token" in parsed.data) {
    const exchanged = await exchangeToken(parsed.data.token);
    if (!exchanged.ok)
      return error(exchanged.status === 401 ? 401 : 502, "sign_in_failed", exchanged.message, "token");
    return withCookie(request, exchanged.session, { kind: "token", token: parsed.data.token });
  }
  const s = parsed.data.supabase;
  const checked = await supabaseSession({
    kind: "supabase",
    accessToken: s.access_token,
    refreshToken: s.refresh_token,
    expiresAt: s.expires_at,
  });
  if (!checked.ok) return error(checked.status, checked.code, checked.message, "supabase");
  return withCookie(request, checked.session, checked.sealed);
}

export async function GET(request: Request) {
  const held = await openSession((await cookies()).get(SESSION_COOKIE)?.value);
  if (!held) return error(401, "unauthenticated", "sign in");
  if (held.kind === "supabase") {
    const checked = await supabaseSession(held);
    if (!checked.ok) return error(checked.status, checked.code, checked.message);
    return withCookie(request, checked.session, checked.sealed);
  }
  const exchanged = await exchangeToken(held.token);
  if (!exchanged.ok) return error(exchanged.status === 401 ? 401 : 502, "session_invalid", exchanged.message);
  return NextResponse.json(exchanged.session, { headers: { "cache-control": "no-store" } });
}

export async function DELETE() {
  const held = await openSession((await cookies()).get(SESSION_COOKIE)?.value);
  const env = serverEnv();
  if (held?.kind === "supabase" && env.SUPABASE_URL && env.SUPABASE_PUBLISHABLE_KEY) {
    // Ends this session at Supabase Auth (its refresh token stops working); best effort, since
    // the cookie is removed either way.
    await fetch(`${env.SUPABASE_URL}/auth/v1/logout?scope=local`, {
      method: "POST",
      headers: { apikey: env.SUPABASE_PUBLISHABLE_KEY, authorization: `Bearer ${held.accessToken}` },
      cache: "no-store",
    }).catch(() => undefined);
  }
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
