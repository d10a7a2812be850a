// A local stand-in for Supabase Auth (GoTrue), for the Docker-free stack where the real server
// cannot run. It serves the part of GoTrue's REST API (`<url>/auth/v1/…`) that supabase-js's auth
// client uses for email/password accounts: signup, token (password and refresh_token grants),
// user (read, update), logout, recover and verify (the recovery code). Every request and answer is
// checked against GoTrue's published OpenAPI document (./openapi, SOURCE.md) with Ajv; an answer
// that breaks it becomes a 500 and is recorded, so a test sees it.
// Sessions are JWTs signed like a local `supabase start` project signs them (HS256 with the
// project's JWT secret, aud `authenticated`, GoTrue's claims), which our api and the Realtime
// stand-in verify. Mails (recovery codes) land in an outbox a test reads, as Supabase's local
// stack catches them in its mail inbox.
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignJWT } from "jose";
import type { Sql } from "postgres";
import { createJwtVerifier, JwtVerificationError } from "../../supabase/functions/_shared/auth/jwt-keys.ts";
import { bearerToken, readJsonBody, sendJson } from "../local/json-http.ts";
import type { OpenApiValidator, Operation } from "../openapi/validator.ts";
import { createAccessTokenChecker } from "../realtime/access-token.ts";
import { Accounts, passwordMatches, type Session, type UserRow } from "./accounts.ts";
import { loadGoTrueValidator } from "./openapi.ts";

export const AUTH_PREFIX = "/auth/v1";
const OUTBOX_PATH = "/_stand-in/outbox";
const ACCESS_TOKEN_SECONDS = 3600; // GoTrue's default jwt_expiry
const MIN_PASSWORD_LENGTH = 6; // GoTrue's default password_min_length

export interface AuthStandInOptions {
  sql: Sql;
  /** The project URL the stand-in is served at (the JWT issuer is `<url>/auth/v1`). */
  url: () => string;
  jwtSecret: string;
  /** Opaque API keys accepted as `apikey` (sb_publishable_…); JWT apikeys signed with the secret too. */
  apiKeys: readonly string[];
}

export interface AuthStandIn {
  /** Handles `/auth/v1/…` and the outbox; false when the path is neither (the caller answers). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  accounts: Accounts;
  /** Answers the stand-in gave that broke GoTrue's schema (a test asserts this stays empty). */
  schemaViolations: { operation: string; status: number; errors: string[] }[];
}

interface Answer {
  status: number;
  body?: unknown;
}

type Handler = (input: {
  req: IncomingMessage;
  query: URLSearchParams;
  body: Record<string, unknown>;
}) => Promise<Answer>;

/** GoTrue's error body: `{code, error_code, msg}` (supabase-js reads error_code and msg). */
function fail(status: number, errorCode: string, msg: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { code: status, error_code: errorCode, msg, ...extra } };
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers":
    "authorization, apikey, content-type, x-client-info, x-supabase-api-version",
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
};

export function createAuthStandIn(options: AuthStandInOptions): AuthStandIn {
  const validator: OpenApiValidator = loadGoTrueValidator();
  const accounts = new Accounts(options.sql);
  const keys = createAccessTokenChecker({ hs256Secret: options.jwtSecret }, options.apiKeys);
  const verifier = createJwtVerifier({ hs256Secret: options.jwtSecret });
  const secret = new TextEncoder().encode(options.jwtSecret);
  const schemaViolations: AuthStandIn["schemaViolations"] = [];

  const userJson = (u: UserRow) => ({
    id: u.id,
    aud: "authenticated",
    role: "authenticated",
    email: u.email,
    ...(u.email_confirmed_at
      ? {
          email_confirmed_at: u.email_confirmed_at.toISOString(),
          confirmed_at: u.email_confirmed_at.toISOString(),
        }
      : {}),
    phone: "",
    ...(u.last_sign_in_at ? { last_sign_in_at: u.last_sign_in_at.toISOString() } : {}),
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: u.raw_user_meta_data,
    identities: [],
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
    is_anonymous: false,
  });

  async function sessionAnswer(session: Session, user: UserRow): Promise<Answer> {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      email: user.email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: user.raw_user_meta_data,
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: now }],
      session_id: session.id,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(`${options.url()}${AUTH_PREFIX}`)
      .setSubject(user.id)
      .setAudience("authenticated")
      .setIssuedAt(now)
      .setExpirationTime(now + ACCESS_TOKEN_SECONDS)
      .sign(secret);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: "bearer",
        expires_in: ACCESS_TOKEN_SECONDS,
        expires_at: now + ACCESS_TOKEN_SECONDS,
        refresh_token: session.refreshToken,
        user: userJson(user),
      },
    };
  }

  /** The signed-in session behind the request's bearer JWT, or GoTrue's refusal. */
  async function caller(req: IncomingMessage): Promise<{ session: Session; user: UserRow } | Answer> {
    const jwt = bearerToken(req);
    if (!jwt) return fail(401, "no_authorization", "This endpoint requires a Bearer token");
    let claims: Record<string, unknown>;
    try {
      claims = (await verifier.verify(jwt, { audience: "authenticated" })) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof JwtVerificationError && error.reason === "expired")
        return fail(
          403,
          "bad_jwt",
          "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired",
        );
      return fail(403, "bad_jwt", "invalid JWT: unable to parse or verify signature, signature is invalid");
    }
    const session = accounts.session(String(claims.session_id ?? ""));
    if (!session || session.revoked || session.userId !== claims.sub)
      return fail(403, "session_not_found", "Session from session_id claim in JWT does not exist");
    const user = await accounts.findById(session.userId);
    if (!user) return fail(403, "user_not_found", "User from sub claim in JWT does not exist");
    return { session, user };
  }

  const weakPassword = (password: string) =>
    password.length < MIN_PASSWORD_LENGTH
      ? fail(422, "weak_password", `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, {
          weak_password: { reasons: ["length"] },
        })
      : null;

  const handlers: Record<string, Handler> = {
    "POST /signup": async ({ body }) => {
      const email = typeof body.email === "string" ? body.email : "";
      const password = typeof body.password === "string" ? body.password : "";
      if (!email) return fail(400, "validation_failed", "To signup, please provide your email");
      if (!password) return fail(400, "validation_failed", "Signup requires a valid password");
      const weak = weakPassword(password);
      if (weak) return weak;
      const data = (body.data as Record<string, unknown> | undefined) ?? {};
      const user = await accounts.create(email, password, data);
      if (!user) return fail(422, "user_already_exists", "User already registered");
      const started = await accounts.startSession(user);
      return sessionAnswer(started.session, started.user);
    },
    "POST /token": async ({ query, body }) => {
      const grant = query.get("grant_type");
      if (grant === "password") {
        const user = typeof body.email === "string" ? await accounts.findByEmail(body.email) : undefined;
        const ok = user && (await passwordMatches(String(body.password ?? ""), user.encrypted_password));
        if (!user || !ok) return fail(400, "invalid_credentials", "Invalid login credentials");
        const started = await accounts.startSession(user);
        return sessionAnswer(started.session, started.user);
      }
      if (grant === "refresh_token") {
        const session = accounts.refresh(String(body.refresh_token ?? ""));
        const user = session ? await accounts.findById(session.userId) : undefined;
        if (!session || !user)
          return fail(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        return sessionAnswer(session, user);
      }
      return fail(400, "validation_failed", `unsupported_grant_type: ${grant ?? ""}`);
    },
    "GET /user": async ({ req }) => {
      const who = await caller(req);
      return "status" in who ? who : { status: 200, body: userJson(who.user) };
    },
    "PUT /user": async ({ req, body }) => {
      const who = await caller(req);
      if ("status" in who) return who;
      if (typeof body.password !== "string") return { status: 200, body: userJson(who.user) };
      const weak = weakPassword(body.password);
      if (weak) return weak;
      if (await passwordMatches(body.password, who.user.encrypted_password))
        return fail(422, "same_password", "New password should be different from the old password.");
      const updated = await accounts.setPassword(who.user.id, body.password);
      return { status: 200, body: userJson(updated ?? who.user) };
    },
    "POST /logout": async ({ req, query }) => {
      const who = await caller(req);
      if ("status" in who) return who;
      const scope = (query.get("scope") ?? "global") as "global" | "local" | "others";
      accounts.signOut(who.session, scope);
      return { status: 204 };
    },
    "POST /recover": async ({ body }) => {
      if (typeof body.email !== "string" || body.email === "")
        return fail(422, "validation_failed", "Password recovery requires an email");
      await accounts.sendRecovery(body.email);
      return { status: 200, body: {} };
    },
    "POST /verify": async ({ body }) => {
      if (body.type !== "recovery" || typeof body.email !== "string" || typeof body.token !== "string")
        return fail(400, "validation_failed", "Only email recovery codes are verified by this stand-in");
      const user = await accounts.verifyRecovery(body.email, body.token);
      if (!user) return fail(403, "otp_expired", "Token has expired or is invalid");
      const started = await accounts.startSession(user);
      return sessionAnswer(started.session, started.user);
    },
  };

  async function answer(
    req: IncomingMessage,
    url: URL,
  ): Promise<{ operation: Operation | null; result: Answer }> {
    const apikey = req.headers.apikey?.toString();
    if (!apikey || !(await keys.acceptsApiKey(apikey)))
      return { operation: null, result: fail(401, "no_api_key", "No API key found in request") };
    const path = url.pathname.slice(AUTH_PREFIX.length) || "/";
    const method = req.method ?? "GET";
    const operation = validator.findOperation(method, path);
    const handler = handlers[`${method} ${path}`];
    if (!operation || !handler)
      return {
        operation,
        result: fail(404, "not_found", `the Auth stand-in does not serve ${method} ${path}`),
      };
    const read = await readJsonBody(req);
    if (!read.ok && read.reason !== "empty")
      return { operation, result: fail(400, "bad_json", `Could not read the request body: ${read.reason}`) };
    const body = read.ok ? read.value : undefined;
    const check = validator.checkRequest(operation, url.searchParams, body);
    if (!check.ok) return { operation, result: fail(400, "validation_failed", check.errors.join("; ")) };
    if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body)))
      return { operation, result: fail(400, "bad_json", "The request body must be a JSON object") };
    const result = await handler({
      req,
      query: url.searchParams,
      body: (body ?? {}) as Record<string, unknown>,
    });
    return { operation, result };
  }

  return {
    accounts,
    schemaViolations,
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === OUTBOX_PATH && req.method === "GET") {
        const to = url.searchParams.get("to")?.toLowerCase();
        sendJson(
          res,
          200,
          accounts.outbox.filter((m) => !to || m.to === to),
        );
        return true;
      }
      if (!url.pathname.startsWith(`${AUTH_PREFIX}/`)) return false;
      if (req.method === "OPTIONS") {
        res.writeHead(204, CORS).end();
        return true;
      }
      const { operation, result } = await answer(req, url);
      let final = result;
      if (operation) {
        const check = validator.checkResponse(operation, result.status, "application/json", result.body);
        if (!check.ok) {
          schemaViolations.push({
            operation: operation.operationId,
            status: result.status,
            errors: check.errors,
          });
          final = fail(
            500,
            "unexpected_failure",
            `the stand-in's answer breaks GoTrue's schema: ${check.errors.join("; ")}`,
          );
        }
      }
      sendJson(res, final.status, final.body ?? null, CORS);
      return true;
    },
  };
}
