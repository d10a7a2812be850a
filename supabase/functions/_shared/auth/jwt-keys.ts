// Verifies JWTs the way Supabase's services do today: a project signs with asymmetric keys
// (ES256/RS256, public keys at `<project>/auth/v1/.well-known/jwks.json`), and older projects
// still sign with the legacy HS256 JWT secret. jose's remote key set caches the JWKS, refetches
// it when a token names an unknown `kid` (key rotation), and rate-limits refetches (cooldown).
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";

export interface JwtKeysConfig {
  /** The project's legacy JWT secret (HS256), if it still has one. */
  hs256Secret?: string | undefined;
  /** The project's JWKS endpoint (asymmetric signing keys). */
  jwksUrl?: string | undefined;
  /** Seconds a fetched JWKS is trusted before a refetch (jose default 600). */
  jwksCacheMaxAgeSeconds?: number;
  /** Least seconds between two JWKS fetches, so unknown-`kid` tokens cannot hammer the project (jose default 30). */
  jwksCooldownSeconds?: number;
}

export type JwtFailure = "expired" | "invalid" | "no_key";

export class JwtVerificationError extends Error {
  constructor(
    readonly reason: JwtFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface JwtVerifier {
  verify(jwt: string, options?: { audience?: string; issuer?: string }): Promise<JWTPayload>;
}

const ASYMMETRIC = new Set(["ES256", "RS256", "EdDSA", "ES384", "RS384", "RS512", "PS256"]);

export function createJwtVerifier(config: JwtKeysConfig): JwtVerifier {
  const secret = config.hs256Secret ? new TextEncoder().encode(config.hs256Secret) : undefined;
  const jwks = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), {
        cacheMaxAge: (config.jwksCacheMaxAgeSeconds ?? 600) * 1000,
        cooldownDuration: (config.jwksCooldownSeconds ?? 30) * 1000,
      })
    : undefined;
  return {
    async verify(jwt, options = {}) {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(jwt).alg;
      } catch {
        throw new JwtVerificationError("invalid", "the token is not a valid JWT");
      }
      const verifyOptions = { ...options, clockTolerance: 5 };
      try {
        if (alg === "HS256") {
          if (!secret) throw new JwtVerificationError("no_key", "HS256 tokens are not accepted here");
          return (await jwtVerify(jwt, secret, { ...verifyOptions, algorithms: ["HS256"] })).payload;
        }
        if (alg && ASYMMETRIC.has(alg)) {
          if (!jwks) throw new JwtVerificationError("no_key", `${alg} tokens need a JWKS to verify them`);
          return (await jwtVerify(jwt, jwks, verifyOptions)).payload;
        }
        throw new JwtVerificationError("invalid", `unsupported JWT algorithm ${alg ?? "(none)"}`);
      } catch (error) {
        if (error instanceof JwtVerificationError) throw error;
        if (error instanceof errors.JWTExpired)
          throw new JwtVerificationError("expired", "the token has expired");
        if (error instanceof errors.JWKSNoMatchingKey)
          throw new JwtVerificationError("invalid", "no key in the JWKS matches the token");
        throw new JwtVerificationError("invalid", "the token's signature or claims are not valid");
      }
    },
  };
}
