/**
 * The OpenAPI 3.1 document, generated from the route declarations (contract/routes) with zod 4's
 * own `z.toJSONSchema` (OpenAPI 3.1 schemas are JSON Schema 2020-12). Served by the api at
 * GET /api/openapi.json and written to docs/openapi.json by `npm run gen:openapi`.
 */
import { z } from "zod";
import { ErrorBody } from "../contract/errors.ts";
import type { FunctionRoutes } from "../contract/routes/index.ts";
import type { AnyContract, Caller } from "./define-route.ts";

type Json = Record<string, unknown>;

/** How each caller kind authenticates, as OpenAPI security requirements. */
const SECURITY: Record<Caller, Json[]> = {
  public: [],
  signed_url: [],
  member: [{ apiToken: [] }],
  admin: [{ apiToken: [] }],
  worker: [{ workerToken: [] }],
  cron: [{ scaleSecret: [] }],
};

export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  return out;
}

/** `/jobs/:id` → `/jobs/{id}`; a Hono regex (`:model{.+}`) is dropped. */
export function openApiPath(basePath: string, path: string): string {
  const joined = path === "/" ? basePath : `${basePath}${path}`;
  return joined.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{$1}");
}

function parameters(route: AnyContract): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema, "input");
    const props = (s.properties ?? {}) as Record<string, Json>;
    const required = new Set((s.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === "path" || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function requestBody(route: AnyContract): Json | undefined {
  const body = route.body;
  if (!body) return undefined;
  if ("_zod" in body)
    return { required: true, content: { "application/json": { schema: jsonSchema(body, "input") } } };
  const content: Json = {};
  for (const type of body.raw)
    content[type] =
      type === "application/json" && body.json
        ? { schema: jsonSchema(body.json, "input") }
        : { schema: { type: "string", contentMediaType: type } };
  return { required: true, content };
}

function responses(route: AnyContract): Json {
  const out: Json = {};
  const content =
    "_zod" in route.response
      ? { "application/json": { schema: jsonSchema(route.response, "output") } }
      : { [route.response.raw]: { schema: { type: "string", contentMediaType: route.response.raw } } };
  for (const status of route.statuses ?? [200])
    out[String(status)] = { description: status === 201 ? "created" : "ok", content };
  out.default = {
    description: "an error: `code` is stable snake_case, `details` names the fields",
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
  };
  return out;
}

export function openApiDocument(groups: readonly FunctionRoutes[]): Json {
  const paths: Record<string, Json> = {};
  for (const group of groups)
    for (const route of group.routes) {
      const path = openApiPath(group.basePath, route.path);
      const params = parameters(route);
      const body = requestBody(route);
      paths[path] = {
        ...(paths[path] ?? {}),
        [route.method]: {
          operationId: route.name,
          summary: route.summary,
          tags: [group.name],
          "x-caller": route.who,
          security: SECURITY[route.who],
          ...(params.length ? { parameters: params } : {}),
          ...(body ? { requestBody: body } : {}),
          responses: responses(route),
        },
      };
    }
  return {
    openapi: "3.1.0",
    info: {
      title: "OpenWeights on Supabase",
      version: "1",
      description:
        "The api, worker-api and scale functions under /functions/v1. Generated from the route declarations in supabase/functions/_shared/contract/routes; `x-caller` says who may call each operation.",
    },
    servers: [{ url: "/functions/v1" }],
    tags: groups.map((g) => ({ name: g.name, description: g.description })),
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBody, "output") },
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token (ow_…), the JWT it exchanges for, a run token, or a Supabase session",
        },
        workerToken: { type: "http", scheme: "bearer", description: "A worker token bound to one worker id" },
        scaleSecret: { type: "http", scheme: "bearer", description: "OW_SCALE_SECRET" },
      },
    },
  };
}
