/**
 * Routes of the openai function are declared once — method, path, who may call, the request's
 * path/query/body schemas and the response schema — and `mountRoutes` derives the rest: auth,
 * parsing (every malformed input is a 400 naming the field as OpenAI's `param`), and a check that
 * each JSON answer matches its declared contract type before it is sent. The same declarations
 * list the endpoints in docs/openai-compatibility.md (a test keeps the two in step).
 */
import type { Hono } from "hono";
import type { z } from "zod";
import { authenticate, requestSource } from "../_shared/auth/authenticate.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { readJson, zodDetails } from "../_shared/http/base-app.ts";
import type { OpenAIContext, OpenAIDeps, OpenAIEnv } from "./context.ts";

/** `member`: an admin or member API token, our JWT for one, or a member's session; never a worker token. */
export type Caller = "member";

/** A body the handler reads itself (multipart uploads) is declared by its media type. */
export type RawBody = "multipart/form-data";

export interface RouteInput<P, Q, B> {
  c: OpenAIContext;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P, Q, B, R extends z.ZodType> {
  method: "get" | "post" | "delete";
  /** Hono path under /v1, e.g. `/files/:file_id`. */
  path: string;
  summary: string;
  who: Caller;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B> | RawBody;
  /** The JSON answer; a handler may instead return a Response (file bytes, an event stream). */
  response: R;
  /** Largest JSON body accepted. */
  maxBodyBytes?: number;
  handle(input: RouteInput<P, Q, B>): Promise<z.input<R> | Response>;
}

/** Any route, for lists of routes with differing type parameters (`handle` is a method, so checked bivariantly). */
export type AnyRoute = RouteSpec<unknown, unknown, unknown, z.ZodType>;

export function route<P = undefined, Q = undefined, B = undefined, R extends z.ZodType = z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

/** Parses a value; a failure is a 400 whose `param` is the first offending field. */
export function parseParam<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodDetails(result.error).map((d, i) => {
    // An unknown key is named by the key itself, so OpenAI's `param` points at it.
    const issue = result.error.issues[i];
    if (issue?.code !== "unrecognized_keys" || !issue.keys[0]) return d;
    return { ...d, path: [...issue.path.map(String), issue.keys[0]].join(".") };
  });
  const text = details.map((d) => (d.path === "(body)" ? d.message : `${d.path}: ${d.message}`)).join("; ");
  throw new ApiError(400, "invalid_request", `invalid ${what}: ${text}`, details);
}

/**
 * Query parameters as OpenAI's client encodes them: `metadata[team]=x` becomes
 * `{ metadata: { team: "x" } }`; a repeated plain key is an error rather than a silent pick.
 */
export function openAIQuery(url: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const params = new URL(url).searchParams;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1)
      throw new ApiError(400, "invalid_request", `query parameter ${key} given more than once`, [
        { path: key, message: "repeated" },
      ]);
    const nested = /^([a-z_]+)\[([^\]]*)\]$/.exec(key);
    if (nested?.[1] && nested[2] !== undefined) {
      const group = out[nested[1]] ?? {};
      if (typeof group !== "object") throw badQuery(nested[1]);
      (group as Record<string, unknown>)[nested[2]] = values[0];
      out[nested[1]] = group;
    } else {
      if (typeof out[key] === "object") throw badQuery(key);
      out[key] = values[0];
    }
  }
  return out;
}

function badQuery(key: string) {
  return new ApiError(400, "invalid_request", `query parameter ${key} is given both plain and bracketed`, [
    { path: key, message: "mixed forms" },
  ]);
}

export async function authenticateMember(deps: OpenAIDeps, c: OpenAIContext): Promise<void> {
  const principal = await authenticate(
    deps.sql,
    deps.signer,
    c.req.header("authorization"),
    requestSource(c.req.raw.headers),
  );
  if (principal.tokenRole === "worker")
    throw new ApiError(403, "forbidden", "worker tokens can only use the worker-api");
  c.set("principal", principal);
}

export function mountRoutes(app: Hono<OpenAIEnv>, deps: OpenAIDeps, routes: AnyRoute[]): void {
  for (const spec of routes) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      await authenticateMember(deps, c);
      const params = spec.params ? parseParam(spec.params, c.req.param(), "path") : undefined;
      const query = spec.query ? parseParam(spec.query, openAIQuery(c.req.url), "query") : undefined;
      let body: unknown;
      if (spec.body && typeof spec.body !== "string")
        body = parseParam(spec.body, await readJson(c, spec.maxBodyBytes), "body");
      const answer = await spec.handle({ c, params, query, body });
      if (answer instanceof Response) return answer;
      return c.json(checkAnswer(spec, answer) as object);
    });
  }
}

/** An answer that does not match its declared contract is our bug: a 500, never a malformed body. */
function checkAnswer(spec: AnyRoute, answer: unknown): unknown {
  const checked = spec.response.safeParse(answer);
  if (checked.success) return checked.data;
  throw new Error(
    `${spec.method.toUpperCase()} ${spec.path} answered outside its contract: ${checked.error.message}`,
  );
}
