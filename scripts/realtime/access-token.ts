// What Realtime checks in a channel's access token (realtime_channel.ex confirm_token): a valid
// signature, and `role` and `exp` present; the channel is shut down when `exp` passes unless a
// fresh token arrives first. Messages below are Realtime's own, so clients see the same text.
import {
  createJwtVerifier,
  type JwtKeysConfig,
  JwtVerificationError,
} from "../../supabase/functions/_shared/auth/jwt-keys.ts";

export interface VerifiedToken {
  role: string;
  exp: number;
  claims: Record<string, unknown>;
}

export type TokenCheck = { ok: true; token: VerifiedToken } | { ok: false; code: string; message: string };

export interface AccessTokenChecker {
  check(jwt: string): Promise<TokenCheck>;
  /** An `apikey` on the socket: a configured opaque key (sb_publishable_/sb_secret_) or a project JWT. */
  acceptsApiKey(apikey: string): Promise<boolean>;
}

export function createAccessTokenChecker(jwt: JwtKeysConfig, apiKeys: readonly string[]): AccessTokenChecker {
  const verifier = createJwtVerifier(jwt);
  const keys = new Set(apiKeys);
  async function check(token: string): Promise<TokenCheck> {
    try {
      const claims = (await verifier.verify(token)) as Record<string, unknown>;
      if (typeof claims.role !== "string" || typeof claims.exp !== "number")
        return { ok: false, code: "InvalidJWTToken", message: "Fields `role` and `exp` are required in JWT" };
      return { ok: true, token: { role: claims.role, exp: claims.exp, claims } };
    } catch (error) {
      if (error instanceof JwtVerificationError && error.reason === "expired") {
        const ago = expiredSecondsAgo(token);
        return { ok: false, code: "InvalidJWTToken", message: `Token has expired ${ago} seconds ago` };
      }
      if (error instanceof JwtVerificationError && error.message === "the token is not a valid JWT")
        return { ok: false, code: "MalformedJWT", message: "The token provided is not a valid JWT" };
      return { ok: false, code: "JwtSignatureError", message: "Failed to validate JWT signature" };
    }
  }
  return {
    check,
    async acceptsApiKey(apikey) {
      if (keys.has(apikey)) return true;
      if (apikey.startsWith("sb_")) return false;
      return (await check(apikey)).ok;
    },
  };
}

function expiredSecondsAgo(token: string): number {
  try {
    const body = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: number;
    };
    return Math.max(0, Math.floor(Date.now() / 1000) - (body.exp ?? 0));
  } catch {
    return 0;
  }
}
