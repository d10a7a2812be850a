// Calls a declared route of the real stack by its contract (path filled from params) and checks
// the answer strictly: a 2xx JSON answer against the strict form of the declared response, an
// error against the strict error body, a declared status. Counts requests, 5xx and, per route,
// whether it answered 2xx, so a suite can require that every declared route was exercised.
import { ErrorBody } from "../../supabase/functions/_shared/contract/errors.ts";
import type { FunctionRoutes } from "../../supabase/functions/_shared/contract/routes/index.ts";
import type { AnyContract } from "../../supabase/functions/_shared/http/define-route.ts";
import type { LooseBody } from "../support/stack.ts";
import { strictSchema } from "../support/strict-schema.ts";

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  raw?: { type: string; body: string };
  /** Bearer credential; none when omitted. */
  token?: string;
}

export interface Answer {
  status: number;
  /** Read loosely by the tests, after the strict check. */
  body: LooseBody;
  text: string;
}

export interface Tally {
  requests: number;
  fiveHundreds: number;
  problems: string[];
  succeeded: Set<string>;
}

export function newTally(): Tally {
  return { requests: 0, fiveHundreds: 0, problems: [], succeeded: new Set() };
}

export function pathOf(
  group: FunctionRoutes,
  route: AnyContract,
  params: Record<string, string> = {},
): string {
  const filled = route.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.name}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  return filled === "/" ? group.basePath : `${group.basePath}${filled}`;
}

const strictErrors = strictSchema(ErrorBody);
const strictByRoute = new Map<AnyContract, ReturnType<typeof strictSchema>>();

/** What is wrong with an answer to `route`, or null when it matches its declaration strictly. */
export function answerProblem(
  route: AnyContract,
  status: number,
  contentType: string,
  text: string,
): string | null {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  if (status >= 400 || (status >= 300 && status < 400)) {
    if (status < 400) return null; // a redirect to a signed URL (files.content on Supabase Storage)
    const parsed = strictErrors.safeParse(safeJson(text));
    return parsed.success ? null : `error body outside ErrorBody: ${text.slice(0, 300)}`;
  }
  const statuses = route.statuses ?? [200];
  if (!statuses.includes(status)) return `status ${status}, declared ${statuses.join("/")}`;
  if (!("_zod" in route.response))
    return contentType.includes("json") ? `raw route answered ${contentType}` : null;
  let strict = strictByRoute.get(route);
  if (!strict) {
    strict = strictSchema(route.response);
    strictByRoute.set(route, strict);
  }
  const parsed = strict.safeParse(safeJson(text));
  return parsed.success ? null : `answer outside its strict contract: ${parsed.error.message.slice(0, 600)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function routeCaller(baseUrl: string, tally: Tally) {
  return async (group: FunctionRoutes, route: AnyContract, options: CallOptions = {}): Promise<Answer> => {
    const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers["content-type"] = options.raw.type;
      body = options.raw.body;
    }
    const url = `${baseUrl}${pathOf(group, route, options.params)}${query}`;
    const res = await fetch(url, { method: route.method.toUpperCase(), headers, body, redirect: "manual" });
    const text = await res.text();
    tally.requests += 1;
    if (res.status >= 500) tally.fiveHundreds += 1;
    const problem = answerProblem(route, res.status, res.headers.get("content-type") ?? "", text);
    if (problem)
      tally.problems.push(`${route.method.toUpperCase()} ${route.path} (${route.name}): ${problem}`);
    if (res.status < 300) tally.succeeded.add(route.name);
    return { status: res.status, body: safeJson(text) as LooseBody, text };
  };
}
