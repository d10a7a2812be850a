// Sign-in / session: POST {token} checks the `ow_` token at the api and seals it into the httpOnly
// cookie; GET hands the page a fresh short-lived JWT (kept in memory only); DELETE signs out.
import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { z } from "zod";
import { exchangeToken } from "@/lib/exchange.ts";
import { cookieOptions, openSession, SESSION_COOKIE, sealSession } from "@/lib/session-cookie.ts";

export const dynamic = "force-dynamic";

const SignIn = z.strictObject({
  token: z.string().regex(/^ow_[A-Za-z0-9_-]{43}$/, "an API token looks like ow_…"),
});

function error(status: number, code: string, message: string, field?: string) {
  return NextResponse.json(
    { error: { code, message, ...(field ? { details: { field } } : {}) } },
    { status },
  );
}

export async function POST(request: Request) {
  const body = await request.json().catch(() => undefined);
  const parsed = SignIn.safeParse(body);
  if (!parsed.success)
    return error(400, "invalid_request", parsed.error.issues[0]?.message ?? "bad body", "token");
  const exchanged = await exchangeToken(parsed.data.token);
  if (!exchanged.ok)
    return error(exchanged.status === 401 ? 401 : 502, "sign_in_failed", exchanged.message, "token");
  const response = NextResponse.json(exchanged.session);
  const secure = new URL(request.url).protocol === "https:";
  response.cookies.set(SESSION_COOKIE, await sealSession(parsed.data.token), cookieOptions(secure));
  return response;
}

export async function GET() {
  const token = await openSession((await cookies()).get(SESSION_COOKIE)?.value);
  if (!token) return error(401, "unauthenticated", "sign in with an API token");
  const exchanged = await exchangeToken(token);
  if (!exchanged.ok) return error(exchanged.status === 401 ? 401 : 502, "session_invalid", exchanged.message);
  return NextResponse.json(exchanged.session, { headers: { "cache-control": "no-store" } });
}

export async function DELETE() {
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
