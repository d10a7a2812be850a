// The session is the user's `ow_` API token, sealed (JWE, dir + A256GCM via jose) into an
// httpOnly, SameSite=Strict cookie: page scripts can never read it, and it never touches
// localStorage. The browser holds only the short-lived JWT the api exchanges it for, in memory.
import { EncryptJWT, jwtDecrypt } from "jose";
import { serverEnv } from "./server-env.ts";

export const SESSION_COOKIE = "ow_session";
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

async function key(): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(serverEnv().DASHBOARD_SESSION_SECRET);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sealSession(token: string): Promise<string> {
  return new EncryptJWT({ token })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${SESSION_MAX_AGE_SECONDS}s`)
    .encrypt(await key());
}

export async function openSession(sealed: string | undefined): Promise<string | null> {
  if (!sealed) return null;
  try {
    const { payload } = await jwtDecrypt(sealed, await key());
    return typeof payload.token === "string" ? payload.token : null;
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
