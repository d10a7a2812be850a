// Supabase Auth sessions as Supabase signs them today (asymmetric keys at the project's JWKS,
// rotated) and as older projects do (the legacy HS256 secret), beside our own tokens. The JWKS is
// generated here and served from a local HTTP server, as a project serves it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error.ts";
import { serviceKeyHeaders } from "./service-key.ts";
import { acceptSupabaseSessions, sessionVerifierFor } from "./supabase-sessions.ts";
import { createTokenSigner, type TokenSigner } from "./token-signer.ts";

const OURS = "our-hs256-secret-our-hs256-secret-0123456789";
const LEGACY = "project-legacy-secret-project-legacy-secret-42";
let server: Server;
let published: JWK[] = [];
let fetches = 0;

async function keyPair(kid: string, alg: "ES256" | "RS256") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

async function session(
  key: { kid: string; alg: string; privateKey: CryptoKey },
  claims: Record<string, unknown> = {},
  exp = "10m",
) {
  return new SignJWT({ role: "authenticated", sub: "5e1b0c4e-0000-4000-8000-000000000001", ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer("https://project.supabase.co/auth/v1")
    .setAudience("authenticated")
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key.privateKey);
}

let signer: TokenSigner;

beforeAll(async () => {
  server = createServer((req, res) => {
    fetches += 1;
    if (req.url !== "/auth/v1/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const supabaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signer = acceptSupabaseSessions(
    await createTokenSigner({ kind: "hs256", secret: OURS }),
    // No cooldown between JWKS fetches, so each rotation step is visible at once.
    sessionVerifierFor({ supabaseUrl, legacySecret: LEGACY, jwksCooldownSeconds: 0 }),
  );
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Supabase Auth sessions", () => {
  it("verifies an ES256 session through the project's JWKS, and our own HS256 tokens still", async () => {
    const es = await keyPair("key-1", "ES256");
    published = [es.jwk];
    const payload = await signer.verify(await session(es));
    expect(payload.sub).toBe("5e1b0c4e-0000-4000-8000-000000000001");
    const own = await signer.sign({ role: "authenticated", organization_id: "o" }, 60);
    expect((await signer.verify(own)).organization_id).toBe("o");
  });

  it("follows a key rotation: a session signed by a newly published key verifies without a restart", async () => {
    const before = fetches;
    const rotated = await keyPair("key-2", "RS256");
    published = [...published, rotated.jwk];
    expect((await signer.verify(await session(rotated))).role).toBe("authenticated");
    expect(fetches).toBeGreaterThan(before);
  });

  it("caches the JWKS: verifying again with a known key fetches nothing", async () => {
    const es = await keyPair("key-3", "ES256");
    published = [...published, es.jwk];
    const token = await session(es);
    await signer.verify(token);
    const before = fetches;
    for (let i = 0; i < 5; i++) await signer.verify(token);
    expect(fetches).toBe(before);
  });

  it("verifies a session signed with the project's legacy HS256 secret", async () => {
    const token = await new SignJWT({ role: "authenticated", sub: "5e1b0c4e-0000-4000-8000-000000000002" })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("authenticated")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(LEGACY));
    expect((await signer.verify(token)).sub).toBe("5e1b0c4e-0000-4000-8000-000000000002");
  });

  it("refuses a session from a key the project does not publish, and says when one has expired", async () => {
    const stranger = await keyPair("key-1", "ES256"); // same kid, different key
    await expect(signer.verify(await session(stranger))).rejects.toMatchObject({ code: "invalid_token" });
    const es = await keyPair("key-4", "ES256");
    published = [...published, es.jwk];
    const expired = await session(es, {}, "-2m");
    await expect(signer.verify(expired)).rejects.toBeInstanceOf(ApiError);
    await expect(signer.verify(expired)).rejects.toMatchObject({ code: "token_expired" });
  });

  it("refuses a session for another audience", async () => {
    const es = await keyPair("key-5", "ES256");
    published = [...published, es.jwk];
    const token = await new SignJWT({ role: "authenticated" })
      .setProtectedHeader({ alg: "ES256", kid: "key-5" })
      .setAudience("someone-else")
      .setExpirationTime("5m")
      .sign(es.privateKey);
    await expect(signer.verify(token)).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("accepts nothing extra where no Supabase project is configured", async () => {
    const only = acceptSupabaseSessions(
      await createTokenSigner({ kind: "hs256", secret: OURS }),
      sessionVerifierFor({}),
    );
    const es = await keyPair("key-1", "ES256");
    await expect(only.verify(await session(es))).rejects.toMatchObject({ code: "invalid_token" });
  });
});

describe("service keys", () => {
  it("sends a new sb_secret_ key as apikey only, and a legacy service_role JWT as apikey and bearer", () => {
    expect(serviceKeyHeaders("sb_secret_abc")).toEqual({ apikey: "sb_secret_abc" });
    expect(serviceKeyHeaders("eyJhbGciOi.x.y")).toEqual({
      apikey: "eyJhbGciOi.x.y",
      authorization: "Bearer eyJhbGciOi.x.y",
    });
  });
});
