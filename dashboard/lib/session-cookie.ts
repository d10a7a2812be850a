// The session is sealed (JWE, dir + A256GCM via jose) into an httpOnly, SameSite=Strict cookie:
// page scripts can never read it, and it never touches localStorage. It holds either the user's
// `ow_` API token, or a Supabase Auth session (email/password sign-in: its refresh token and the
// current access token). The browser holds only a short-lived JWT, in memory.
import { EncryptJWT, jwtDecrypt } from "jose";
import { serverEnv } from "./server-env.ts";

export const SESSION_COOKIE = "ow_session";
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

export type SealedSession =
  | { kind: "token"; token: string }
  | { kind: "supabase"; accessToken: string; refreshToken: string; expiresAt: number };

async function key(): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(serverEnv().DASHBOARD_SESSION_SECRET);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sealSession(session: SealedSession): Promise<string> {
  return new EncryptJWT({ session })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${SESSION_MAX_AGE_SECONDS}s`)
    .encrypt(await key());
}

export async function openSession(sealed: string | undefined): Promise<SealedSession | null> {
  if (!sealed) return null;
  try {
    const { payload } = await jwtDecrypt(sealed, await key());
    const session = payload.session as SealedSession | undefined;
    if (session?.kind === "token" && typeof session.token === "string") return session;
    if (session?.kind === "supabase" && typeof session.refreshToken === "string") return session;
    return null;
  } catch {
    return null;
  }
}

export function cookieOptions(secure: boolean) {
  return {
    httpOnly: true,
    sameSite: "strict" as const,
    secure,
    path: "/",
    maxAge: SESSION_MAX_AGE_SECONDS,
  };
}
