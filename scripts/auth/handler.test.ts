// The Auth stand-in against the real client (@supabase/supabase-js's auth client) and a real
// Postgres with the migrations: sign-up, sign-in, refresh, password reset by mailed code, sign-out;
// every request and answer checked against GoTrue's published OpenAPI document; the session JWT
// it mints is one our api's verifier accepts as a Supabase Auth session.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenSigner } from "../../supabase/functions/_shared/auth/token-signer.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database.ts";
import { listenLocal, type RunningServer } from "../local/json-http.ts";
import { type AuthStandIn, createAuthStandIn } from "./handler.ts";
import { loadGoTrueValidator } from "./openapi.ts";

const SECRET = "auth-stand-in-test-secret-0123456789abcdef";
const KEY = "sb_publishable_auth_test";
let db: TestDatabase;
let auth: AuthStandIn;
let server: RunningServer;

function client(): SupabaseClient {
  return createClient(server.url, KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never }, // Node 20 has no global WebSocket; unused here
  });
}

async function raw(path: string, init: RequestInit & { apikey?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.apikey !== null) headers.set("apikey", init.apikey ?? KEY);
  headers.set("content-type", "application/json");
  const res = await fetch(`${server.url}/auth/v1${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

beforeAll(async () => {
  db = await createTestDatabase();
  let url = "";
  auth = createAuthStandIn({ sql: db.sql, url: () => url, jwtSecret: SECRET, apiKeys: [KEY] });
  server = await listenLocal(async (req, res) => {
    if (!(await auth.handle(req, res))) res.writeHead(404).end();
  });
  url = server.url;
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe("the Auth stand-in with supabase-js", () => {
  it("signs up, signs in, refreshes and reads the user; the session is one our api accepts", async () => {
    const supabase = client();
    const up = await supabase.auth.signUp({ email: "Ada@Example.com", password: "first-password" });
    expect(up.error).toBeNull();
    expect(up.data.session?.access_token).toBeTruthy();
    expect(up.data.user?.email).toBe("ada@example.com");
    const [row] =
      await db.sql`select email, encrypted_password from auth.users where id = ${up.data.user!.id}`;
    expect(row?.email).toBe("ada@example.com");
    expect(row?.encrypted_password).toMatch(/^scrypt\$/);

    const again = await client().auth.signUp({ email: "ada@example.com", password: "another-one" });
    expect(again.error?.code).toBe("user_already_exists");

    const wrong = await client().auth.signInWithPassword({ email: "ada@example.com", password: "nope-nope" });
    expect(wrong.error?.code).toBe("invalid_credentials");
    expect(wrong.error?.status).toBe(400);

    const signIn = client();
    const inn = await signIn.auth.signInWithPassword({
      email: "ada@example.com",
      password: "first-password",
    });
    expect(inn.error).toBeNull();
    const { data: got } = await signIn.auth.getUser();
    expect(got.user?.id).toBe(up.data.user!.id);

    // Our api's verifier (the same secret, as on a local `supabase start` project) takes it.
    const signer = await createTokenSigner({ kind: "hs256", secret: SECRET });
    const claims = await signer.verify(inn.data.session!.access_token);
    expect(claims.sub).toBe(up.data.user!.id);
    expect(claims.role).toBe("authenticated");

    const refreshed = await signIn.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(inn.data.session!.refresh_token);
    const reused = await raw("/token?grant_type=refresh_token", {
      method: "POST",
      body: JSON.stringify({ refresh_token: inn.data.session!.refresh_token }),
    });
    expect(reused.status).toBe(400);
    expect(reused.body?.error_code).toBe("refresh_token_not_found");
    expect(auth.schemaViolations).toEqual([]);
  });

  it("resets a password with the mailed recovery code; the old password stops working", async () => {
    await client().auth.signUp({ email: "grace@example.com", password: "old-password" });
    const supabase = client();
    const sent = await supabase.auth.resetPasswordForEmail("grace@example.com");
    expect(sent.error).toBeNull();
    const unknown = await supabase.auth.resetPasswordForEmail("nobody@example.com");
    expect(unknown.error).toBeNull(); // as GoTrue: no hint whether the address exists
    const mails = auth.accounts.outbox.filter((m) => m.to === "grace@example.com");
    expect(mails).toHaveLength(1);
    expect(auth.accounts.outbox.some((m) => m.to === "nobody@example.com")).toBe(false);

    const bad = await supabase.auth.verifyOtp({
      email: "grace@example.com",
      token: "000000x",
      type: "recovery",
    });
    expect(bad.error?.code).toBe("otp_expired");
    const ok = await supabase.auth.verifyOtp({
      email: "grace@example.com",
      token: mails[0]!.token,
      type: "recovery",
    });
    expect(ok.error).toBeNull();
    const same = await supabase.auth.updateUser({ password: "old-password" });
    expect(same.error?.code).toBe("same_password");
    const updated = await supabase.auth.updateUser({ password: "new-password" });
    expect(updated.error).toBeNull();
    const reused = await client().auth.verifyOtp({
      email: "grace@example.com",
      token: mails[0]!.token,
      type: "recovery",
    });
    expect(reused.error?.code).toBe("otp_expired");

    expect(
      (await client().auth.signInWithPassword({ email: "grace@example.com", password: "old-password" })).error
        ?.code,
    ).toBe("invalid_credentials");
    expect(
      (await client().auth.signInWithPassword({ email: "grace@example.com", password: "new-password" }))
        .error,
    ).toBeNull();
    expect(auth.schemaViolations).toEqual([]);
  });

  it("signs out: the session's token and refresh token stop working", async () => {
    const supabase = client();
    const up = await supabase.auth.signUp({ email: "lin@example.com", password: "password-1" });
    const access = up.data.session!.access_token;
    const out = await supabase.auth.signOut();
    expect(out.error).toBeNull();
    const user = await raw("/user", { headers: { authorization: `Bearer ${access}` } });
    expect(user.status).toBe(403);
    expect(user.body?.error_code).toBe("session_not_found");
    const refresh = await raw("/token?grant_type=refresh_token", {
      method: "POST",
      body: JSON.stringify({ refresh_token: up.data.session!.refresh_token }),
    });
    expect(refresh.status).toBe(400);
    expect(auth.schemaViolations).toEqual([]);
  });

  it("refuses bad input with GoTrue's 4xx error body and changes nothing", async () => {
    const before = await db.sql`select count(*)::int as n from auth.users`;
    const cases: [string, RequestInit & { apikey?: string | null }, number, string][] = [
      [
        "/signup",
        { method: "POST", body: JSON.stringify({ email: "a@b.co", password: "x" }) },
        422,
        "weak_password",
      ],
      [
        "/signup",
        { method: "POST", body: JSON.stringify({ email: "not an email", password: "long-enough" }) },
        400,
        "validation_failed",
      ],
      [
        "/signup",
        { method: "POST", body: JSON.stringify({ email: 5, password: "long-enough" }) },
        400,
        "validation_failed",
      ],
      ["/signup", { method: "POST", body: "{not json" }, 400, "bad_json"],
      ["/signup", { method: "POST", body: "[1]" }, 400, "validation_failed"],
      [
        "/signup",
        { method: "POST", body: JSON.stringify({ email: "k@b.co", password: "long-enough" }), apikey: null },
        401,
        "no_api_key",
      ],
      [
        "/signup",
        {
          method: "POST",
          body: JSON.stringify({ email: "k@b.co", password: "long-enough" }),
          apikey: "sb_publishable_wrong",
        },
        401,
        "no_api_key",
      ],
      ["/token?grant_type=magic", { method: "POST", body: JSON.stringify({}) }, 400, "validation_failed"],
      [
        "/token",
        { method: "POST", body: JSON.stringify({ email: "a@b.co", password: "x" }) },
        400,
        "validation_failed",
      ],
      ["/user", { method: "GET" }, 401, "no_authorization"],
      ["/user", { method: "GET", headers: { authorization: "Bearer not.a.jwt" } }, 403, "bad_jwt"],
      ["/recover", { method: "POST", body: JSON.stringify({}) }, 400, "validation_failed"],
      [
        "/verify",
        { method: "POST", body: JSON.stringify({ type: "recovery", email: "a@b.co", token: "123456" }) },
        403,
        "otp_expired",
      ],
      ["/admin/users", { method: "GET" }, 404, "not_found"],
    ];
    for (const [path, init, status, code] of cases) {
      const answer = await raw(path, init);
      expect({ path, status: answer.status, code: answer.body?.error_code }).toEqual({ path, status, code });
      expect(typeof answer.body?.msg).toBe("string");
    }
    const after = await db.sql`select count(*)::int as n from auth.users`;
    expect(after[0]?.n).toBe(before[0]?.n);
    expect(auth.schemaViolations).toEqual([]);
  });

  it("holds answers to GoTrue's document: a wrong shape is caught", () => {
    const validator = loadGoTrueValidator();
    const token = validator.findOperation("POST", "/token")!;
    const good = { access_token: "a", token_type: "bearer", expires_in: 3600, refresh_token: "r" };
    expect(validator.checkResponse(token, 200, "application/json", good)).toEqual({ ok: true });
    const bad = validator.checkResponse(token, 200, "application/json", { ...good, expires_in: "3600" });
    expect(bad).toEqual({ ok: false, errors: ["$.expires_in: must be integer"] });
    const user = validator.findOperation("GET", "/user")!;
    const notError = validator.checkResponse(user, 401, "application/json", { code: "401", msg: 1 });
    expect(notError.ok).toBe(false);
    expect(validator.findOperation("DELETE", "/signup")).toBeNull();
  });
});
