// Short-lived JWTs for API tokens. HS256 with the project's secret works everywhere; ES256 with a
// key published at GET /api/auth/jwks lets Supabase trust us as a third-party issuer.
import {
  exportJWK,
  importJWK,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import { ApiError } from "../http/api-error.ts";

export const ISSUER = "openweights";
export const AUDIENCE = "authenticated";

export interface TokenSigner {
  sign(claims: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  verify(jwt: string): Promise<JWTPayload>;
  jwks(): Promise<{ keys: JWK[] }>;
}

export type SignerConfig =
  | { kind: "hs256"; secret: string }
  | { kind: "es256"; privateJwk: JWK; kid: string };

export async function createTokenSigner(config: SignerConfig): Promise<TokenSigner> {
  if (config.kind === "hs256") {
    const key = new TextEncoder().encode(config.secret);
    return {
      sign: (claims, ttl) => sign(claims, ttl, key, { alg: "HS256" }),
      verify: (jwt) => verify(jwt, key),
      jwks: async () => ({ keys: [] }),
    };
  }
  const privateKey = await importJWK({ ...config.privateJwk, alg: "ES256" }, "ES256");
  const { d: _d, ...publicJwk } = config.privateJwk;
  const publicKey = await importJWK({ ...publicJwk, alg: "ES256" }, "ES256");
  return {
    sign: (claims, ttl) => sign(claims, ttl, privateKey, { alg: "ES256", kid: config.kid }),
    verify: (jwt) => verify(jwt, publicKey),
    jwks: async () => ({
      keys: [{ ...(await exportJWK(publicKey)), kid: config.kid, alg: "ES256", use: "sig" }],
    }),
  };
}

async function sign(
  claims: Record<string, unknown>,
  ttl: number,
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string },
) {
  return new SignJWT(claims)
    .setProtectedHeader({ ...header, typ: "JWT" })
    .setIssuedAt()
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(`${ttl}s`)
    .sign(key);
}

async function verify(jwt: string, key: CryptoKey | Uint8Array): Promise<JWTPayload> {
  try {
    // Supabase Auth sessions (dashboard users) are signed with the same HS256 secret but another issuer.
    const { payload } = await jwtVerify(jwt, key, { audience: AUDIENCE, clockTolerance: 5 });
    return payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw new ApiError(401, "token_expired", "the access token has expired; exchange your API token again");
    throw new ApiError(401, "invalid_token", "the access token is not valid");
  }
}
