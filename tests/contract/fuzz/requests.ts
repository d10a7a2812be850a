// One fuzzed request for a declared route: path, query and body drawn from the route's JSON
// Schemas (docs/openapi.json), then possibly broken by one mutation. `refused` says whether the
// route's own zod schemas refuse what the server will see: such a request must answer 4xx.
import fc from "fast-check";
import type { FunctionRoutes } from "../../../supabase/functions/_shared/contract/routes/index.ts";
import type { AnyContract } from "../../../supabase/functions/_shared/http/define-route.ts";
import { jsonSchema } from "../../../supabase/functions/_shared/http/openapi.ts";
import { arbitraryFor, strangeValue } from "./arbitraries.ts";

type Json = Record<string, unknown>;

export interface FuzzRequest {
  method: string;
  /** Relative to …/functions/v1, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  refused: boolean;
  mutation: string;
}

/** Values the suite already holds (real ids), offered beside generated ones. */
export type KnownValues = Record<string, string[]>;

/** Keeps long-polls short: a valid wait is still valid when smaller. */
const TAME: Record<string, (v: Json) => Json> = {
  "worker.claim": (b) => (typeof b.wait_ms === "number" ? { ...b, wait_ms: Math.min(b.wait_ms, 20) } : b),
  "jobs.logs": (q) => (q.wait === undefined ? q : { ...q, wait: 0 }),
};

const MUTATIONS = [
  "none",
  "not-json",
  "wrong-top-type",
  "unknown-key",
  "drop-key",
  "strange-value",
  "bad-query",
  "bad-path",
] as const;

function stringify(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function refuses(schema: unknown, value: unknown): boolean {
  return !(schema as { safeParse(v: unknown): { success: boolean } }).safeParse(value).success;
}

function paramsArb(route: AnyContract, known: KnownValues): fc.Arbitrary<Record<string, string>> {
  if (!route.params) return fc.constant({});
  const props = (jsonSchema(route.params, "input").properties ?? {}) as Record<string, Json>;
  return fc.record(
    Object.fromEntries(
      Object.entries(props).map(([name, s]) => {
        const generated = arbitraryFor(s).map(stringify);
        const real = known[name];
        return [name, real?.length ? fc.oneof(fc.constantFrom(...real), generated) : generated];
      }),
    ),
  );
}

function objectArb(schema: unknown): fc.Arbitrary<Json> {
  if (!schema) return fc.constant({});
  return arbitraryFor(jsonSchema(schema as never, "input")).map((v) =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {},
  );
}

function rawBodyArb(route: AnyContract): fc.Arbitrary<{ type: string; text: string; json?: Json }> {
  const body = route.body as { raw: readonly string[]; json?: unknown };
  const text = fc.string({ maxLength: 200 }).map((s) => `${s}\n`);
  return fc.oneof(
    ...body.raw.map((type) =>
      type === "application/json" && body.json
        ? objectArb(body.json).map((json) => ({ type, text: JSON.stringify(json), json }))
        : text.map((t) => ({
            type: type === "multipart/form-data" ? "application/octet-stream" : type,
            text: t,
          })),
    ),
  );
}

export function requestArb(group: FunctionRoutes, route: AnyContract, known: KnownValues, token?: string) {
  const isJson = route.body !== undefined && "_zod" in route.body;
  const isRaw = route.body !== undefined && !isJson;
  return fc
    .record({
      params: paramsArb(route, known),
      query: objectArb(route.query),
      json: isJson ? objectArb(route.body) : fc.constant(undefined),
      raw: isRaw ? rawBodyArb(route) : fc.constant(undefined),
      mutation: fc.constantFrom(...MUTATIONS),
      strange: strangeValue,
      junk: fc.string({ minLength: 1, maxLength: 12 }),
    })
    .map((draw): FuzzRequest => {
      const tame = TAME[route.name] ?? ((v: Json) => v);
      let refused = false;
      const params = { ...draw.params };
      if (draw.mutation === "bad-path" && Object.keys(params).length > 0) {
        params[Object.keys(params)[0] as string] = draw.junk;
      }
      if (route.params && refuses(route.params, params)) refused = true;

      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(route.query ? tame(draw.query) : {})) query[k] = stringify(v);
      if (draw.mutation === "bad-query")
        query[route.query ? (Object.keys(query)[0] ?? "limit") : "x"] = draw.junk;
      if (route.query && refuses(route.query, query)) refused = true;

      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (isJson) {
        let value: unknown = tame(draw.json ?? {});
        const keys = Object.keys(value as Json);
        if (draw.mutation === "wrong-top-type") value = [value];
        if (draw.mutation === "unknown-key") value = { ...(value as Json), __fuzz: draw.strange };
        if (draw.mutation === "drop-key" && keys[0]) {
          const { [keys[0]]: _dropped, ...rest } = value as Json;
          value = rest;
        }
        if (draw.mutation === "strange-value" && keys[0])
          value = { ...(value as Json), [keys[0]]: draw.strange };
        headers["content-type"] = "application/json";
        body = draw.mutation === "not-json" ? `{${JSON.stringify(value)}` : JSON.stringify(value);
        if (draw.mutation === "not-json" || refuses(route.body, value)) refused = true;
      } else if (draw.raw) {
        headers["content-type"] = draw.raw.type;
        body = draw.raw.text;
        if (draw.raw.json !== undefined) {
          const parsed = draw.mutation === "unknown-key" ? { ...draw.raw.json, __fuzz: 1 } : draw.raw.json;
          body = JSON.stringify(parsed);
          const json = (route.body as { json?: unknown }).json;
          if (json && refuses(json, parsed)) refused = true;
        }
      }
      const filled = route.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, (_, n: string) =>
        encodeURIComponent(params[n] ?? ""),
      );
      const qs = Object.keys(query).length ? `?${new URLSearchParams(query)}` : "";
      return {
        method: route.method.toUpperCase(),
        path: `${filled === "/" ? group.basePath : group.basePath + filled}${qs}`,
        headers,
        body,
        refused,
        mutation: draw.mutation,
      };
    });
}
