/**
 * Mounts declared routes on a function's Hono app. Auth comes from each declaration's `who`
 * (there is no path list to forget: a route whose caller kind the app cannot authenticate makes
 * mountRoutes throw at start-up), every path/query/body is parsed by its schema (malformed input
 * is a 400 naming the field), and every JSON answer is checked against the declared response
 * schema before it is sent: an answer outside its contract is our bug, a 500, never a malformed body.
 */
import type { Context, Env, Hono } from "hono";
import type { z } from "zod";
import { parseWith, queryObject, readJson } from "./base-app.ts";
import { Answer, type AnyContract, type BoundRoute, CALLERS, type Caller } from "./define-route.ts";

export interface MountOptions<E extends Env> {
  /** How each caller kind this app serves is authenticated; a kind left out cannot be mounted. */
  authenticate: Partial<Record<Caller, (c: Context) => Promise<void>>>;
  /** Query string → object (default: flat keys, a repeated key is a 400). */
  query?: (c: Context<E>) => Record<string, unknown>;
  /** The function's declared routes: each must have exactly one handler here, and no handler may serve an undeclared one. */
  declared?: readonly AnyContract[];
  /** Path/query/body schema failure → the error to answer (default: parseWith's 400). */
  parse?: <T extends z.ZodType>(schema: T, value: unknown, where: "path" | "query" | "body") => z.output<T>;
}

export function mountRoutes<E extends Env>(
  app: Hono<E>,
  routes: BoundRoute<Context<E>>[],
  options: MountOptions<E>,
): void {
  if (options.declared) checkCoverage(options.declared, routes);
  const seen = new Set<string>();
  for (const route of routes) {
    const spec: AnyContract = route.contract;
    const auth = options.authenticate[spec.who];
    if (!CALLERS.includes(spec.who) || !auth)
      throw new Error(
        `route ${spec.method.toUpperCase()} ${spec.path} (${spec.name}) declares caller ${String(spec.who)}, which this app cannot authenticate`,
      );
    const key = `${spec.method} ${spec.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
    const parse = options.parse ?? defaultParse;
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      await auth(c as never);
      const params = spec.params ? parse(spec.params, c.req.param(), "path") : undefined;
      const query = spec.query
        ? parse(spec.query, options.query ? options.query(c) : queryObject(c as never), "query")
        : undefined;
      let body: unknown;
      if (spec.body && "_zod" in spec.body)
        body = parse(spec.body as z.ZodType, await readJson(c, spec.maxBodyBytes), "body");
      const result = await route.handle({ c, params, query, body } as never);
      if (result instanceof Response) return result;
      const status = result instanceof Answer ? result.status : 200;
      const value = result instanceof Answer ? result.body : result;
      return c.json(checkAnswer(spec, status, value) as object, status as 200);
    });
  }
}

function checkCoverage(declared: readonly AnyContract[], routes: BoundRoute<never>[]): void {
  const bound = new Set(routes.map((r) => r.contract));
  const missing = declared.filter((d) => !bound.has(d)).map((d) => d.name);
  const extra = routes.filter((r) => !declared.includes(r.contract)).map((r) => r.contract.name);
  if (missing.length || extra.length)
    throw new Error(
      `routes and declarations differ: declared without a handler [${missing.join(", ")}], handled but not declared for this function [${extra.join(", ")}]`,
    );
}

function defaultParse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  return parseWith(schema, value, where);
}

/** The answer as its contract's output (defaults filled, unknown keys dropped), or a loud 500. */
export function checkAnswer(spec: AnyContract, status: number, answer: unknown): unknown {
  const statuses = spec.statuses ?? [200];
  if (!statuses.includes(status))
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered ${status}, not declared`);
  if (!("_zod" in spec.response))
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} declares a raw response but answered JSON`);
  const checked = (spec.response as z.ZodType).safeParse(answer);
  if (checked.success) return checked.data;
  // A plain Error: the app's error handler logs it with the request id and answers a 500.
  throw new Error(
    `${spec.method.toUpperCase()} ${spec.path} answered outside its contract: ${checked.error.message}`,
  );
}
