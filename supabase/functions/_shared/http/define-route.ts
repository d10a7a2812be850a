/**
 * A route's contract, declared once: method, path, who may call it, the request's path/query/body
 * schemas and the response schema. The declarations live in `contract/routes/` (zod only, no
 * Hono), so the functions bind handlers to them (`implement`, mount.ts), the OpenAPI document and
 * docs/http-api.md are generated from them (openapi.ts) and the SDK derives its request types
 * from them. Generalized from the openai function's `route()` (which now uses this one).
 */
import type { z } from "zod";

/**
 * Who may call a route; mount.ts attaches the matching authentication, and refuses to mount a
 * route whose caller kind the app has no authenticator for.
 * - `public`: anyone (health, token exchange, published keys, this document).
 * - `signed_url`: whoever holds the URL; the signed token in the path is the credential.
 * - `member`: an admin or member API token, our JWT for one, a run token, or a member's session.
 * - `admin`: as `member`, and SQL refuses anyone but an organization admin (internal.require_member).
 * - `worker`: a worker token bound to one worker id.
 * - `cron`: the scaler's shared secret (pg_cron through pg_net, the api's kick, a local loop).
 */
export type Caller = "public" | "signed_url" | "member" | "admin" | "worker" | "cron";
export const CALLERS: readonly Caller[] = ["public", "signed_url", "member", "admin", "worker", "cron"];

/** A body the handler reads itself, declared by its media types (uploads, the boot script's text). */
export interface RawBody {
  raw: readonly string[];
  /** What the handler accepts as JSON instead, when it does. */
  json?: z.ZodType;
}

/** A response that is not JSON (file bytes), declared by its media type. */
export interface RawResponse {
  raw: string;
}

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteContract<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | RawBody | undefined = z.ZodType | RawBody | undefined,
  R extends z.ZodType | RawResponse = z.ZodType | RawResponse,
> {
  /** Stable name (the SDK and the docs use it), e.g. `jobs.list`. */
  name: string;
  method: Method;
  /** Hono path under the function's base path, e.g. `/jobs/:id`. */
  path: string;
  summary: string;
  who: Caller;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Success statuses the route answers with (default [200]). */
  statuses?: readonly number[];
  /** Largest JSON body accepted. */
  maxBodyBytes?: number;
}

export type AnyContract = RouteContract;

export function defineRoute<
  const P extends z.ZodType | undefined = undefined,
  const Q extends z.ZodType | undefined = undefined,
  const B extends z.ZodType | RawBody | undefined = undefined,
  const R extends z.ZodType | RawResponse = z.ZodType,
>(contract: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  return contract;
}

/** The parsed value of an optional schema slot (not distributed: `P | undefined` stays one case). */
type Parsed<S> = [NonNullable<S>] extends [never]
  ? undefined
  : [NonNullable<S>] extends [z.ZodType]
    ? z.output<NonNullable<S>>
    : undefined;

/** What a handler receives: the context type is the app's (each function has its own env). */
export interface RouteInput<C, Ctr extends AnyContract> {
  c: C;
  params: Parsed<Ctr["params"]>;
  query: Parsed<Ctr["query"]>;
  body: Parsed<Ctr["body"]>;
}

/** A JSON answer with a status other than 200 (declared in `statuses`). */
export class Answer<T> {
  constructor(
    readonly status: number,
    readonly body: T,
  ) {}
}

export type RouteResult<Ctr extends AnyContract> = Ctr["response"] extends z.ZodType
  ? z.input<Ctr["response"]> | Answer<z.input<Ctr["response"]>> | Response
  : Response;

/** A contract with its handler, ready for mountRoutes. */
export interface RouteImpl<C = unknown, Ctr extends AnyContract = AnyContract> {
  contract: Ctr;
  handle(input: RouteInput<C, Ctr>): Promise<RouteResult<Ctr>>;
}

/**
 * Any handler bound for context C, whatever its contract: what mountRoutes takes a list of. A
 * handler of any contract is one (its parsed inputs are narrower than `never` allows), while a
 * handler written for another app's context is not.
 */
export interface BoundRoute<C> {
  contract: AnyContract;
  handle(input: { c: C; params: never; query: never; body: never }): Promise<unknown>;
}

/**
 * Binds handlers to declared routes for one app's context type:
 * `const route = implementer<ApiContext>(); route(JobRoutes.list, async ({ c, query }) => …)`.
 * The handler's input and answer types come from the contract.
 */
export function implementer<C>() {
  return <Ctr extends AnyContract>(
    contract: Ctr,
    handle: (input: RouteInput<C, Ctr>) => Promise<RouteResult<Ctr>>,
  ): RouteImpl<C, Ctr> => ({ contract, handle });
}

/** An answer with a declared non-200 status. */
export function answer<T>(status: number, body: T): Answer<T> {
  return new Answer(status, body);
}
