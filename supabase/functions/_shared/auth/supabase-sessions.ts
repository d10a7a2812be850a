// Accepts Supabase Auth sessions beside our own JWTs. New Supabase projects sign sessions with
// asymmetric keys published at `<project>/auth/v1/.well-known/jwks.json`; older ones with the
// legacy HS256 secret. Our own tokens are tried first (one local verification); a token our key
// does not verify is tried against the project's keys (jwt-keys.ts: cached JWKS, refetched for an
// unknown `kid`, so key rotation needs no restart).
import type { JWTPayload } from "jose";
import { ApiError } from "../http/api-error.ts";
import { createJwtVerifier, JwtVerificationError, type JwtVerifier } from "./jwt-keys.ts";
import { AUDIENCE, type TokenSigner } from "./token-signer.ts";

export interface SupabaseSessionConfig {
  /** The project URL; its JWKS is `<url>/auth/v1/.well-known/jwks.json` unless jwksUrl is given. */
  supabaseUrl?: string | undefined;
  jwksUrl?: string | undefined;
  /** The project's legacy JWT secret, where it differs from the one our tokens use. */
  legacySecret?: string | undefined;
  jwksCooldownSeconds?: number;
}

export function sessionVerifierFor(config: SupabaseSessionConfig): JwtVerifier | null {
  const jwksUrl =
    config.jwksUrl ??
    (config.supabaseUrl
      ? `${config.supabaseUrl.replace(/\/$/, "")}/auth/v1/.well-known/jwks.json`
      : undefined);
  if (!jwksUrl && !config.legacySecret) return null;
  return createJwtVerifier({
    jwksUrl,
    hs256Secret: config.legacySecret,
    ...(config.jwksCooldownSeconds === undefined ? {} : { jwksCooldownSeconds: config.jwksCooldownSeconds }),
  });
}

export function acceptSupabaseSessions(signer: TokenSigner, sessions: JwtVerifier | null): TokenSigner {
  if (!sessions) return signer;
  return {
    sign: (claims, ttl) => signer.sign(claims, ttl),
    jwks: () => signer.jwks(),
    async verify(jwt): Promise<JWTPayload> {
      try {
        return await signer.verify(jwt);
      } catch (ours) {
        if (ours instanceof ApiError && ours.code === "token_expired") throw ours;
        try {
          return await sessions.verify(jwt, { audience: AUDIENCE });
        } catch (theirs) {
          if (theirs instanceof JwtVerificationError && theirs.reason === "expired")
            throw new ApiError(401, "token_expired", "the session has expired; sign in again");
          throw ours;
        }
      }
    },
  };
}
