// Checks HTTP requests and answers against a service's published OpenAPI document with Ajv, for
// the stand-ins of hosted services (the fake RunPod, the Auth stand-in). Nothing here restates a
// service's rule: the operation, its parameters, its body schema and its answer schemas are all
// read from the document, so a request the real API would refuse on schema grounds is refused
// here too, and an answer a stand-in invents that the service's clients could not parse fails loudly.
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";

// Ajv and ajv-formats are CommonJS; createRequire gives their constructors without interop guesswork.
const require = createRequire(import.meta.url);
const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
const { Ajv } = require("ajv") as typeof import("ajv");
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;

type Json = Record<string, unknown>;

export interface OpenApiDocumentOptions {
  /** The parsed document. */
  document: Json;
  /** A name for the document's schemas inside Ajv. */
  id: string;
  /**
   * OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0's are a draft-04/07 dialect with `nullable`,
   * which Ajv's default (draft-07) class understands.
   */
  dialect: "openapi-3.1" | "openapi-3.0";
  /** `format` values the document uses that JSON Schema does not define (annotations, as Ajv allows). */
  extraFormats?: readonly string[];
  /** Keywords the document uses as annotations (OpenAPI's `example`, `x-*`…). */
  annotations?: readonly string[];
  /** Refuse query parameters the operation does not declare (a service whose document lists all). */
  refuseUnknownQuery?: boolean;
  /** A schema for error answers (status ≥ 400) the document does not list for an operation. */
  undocumentedErrorSchema?: string;
  /** Request body properties that are JSON null count as absent (a server in Go reads them as zero values). */
  nullMeansAbsent?: boolean;
  /** Read `oneOf` as `anyOf` (for a document whose branches are open objects that all match). */
  oneOfAsAnyOf?: boolean;
  /**
   * A success status (< 400) the operation lists no answer for is let through unchecked: for a
   * document generated without success schemas for some operations (Storage's object download and
   * info list only `4XX`), where nothing can be checked but everything the document lists still is.
   */
  unlistedSuccessUnchecked?: boolean;
}

interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema: Json;
  style?: string;
  explode?: boolean;
}

export interface Operation {
  method: string;
  /** Path template as the document writes it, e.g. `/v2/pods/{id}`. */
  template: string;
  operationId: string;
  pathParams: Record<string, string>;
}

export type Check = { ok: true } | { ok: false; errors: string[] };

export interface OpenApiValidator {
  /** The documented operation for a method and concrete path, or null when the document has none. */
  findOperation(method: string, path: string): Operation | null;
  /** Query and path parameters (coerced from strings per their schema) and the JSON body. */
  checkRequest(operation: Operation, query: URLSearchParams, body: unknown): Check;
  /** An answer's status, content type and JSON body against the operation's documented responses. */
  checkResponse(operation: Operation, status: number, contentType: string | null, body: unknown): Check;
}

export function createOpenApiValidator(options: OpenApiDocumentOptions): OpenApiValidator {
  const { id } = options;
  const document = options.oneOfAsAnyOf
    ? (JSON.parse(JSON.stringify(options.document).replaceAll('"oneOf":', '"anyOf":')) as Json)
    : options.document;
  const rebase = (schema: unknown) => rebaseRefs(schema, id);
  // strict: unknown keywords fail; the document's annotations are declared as such, not ignored.
  // strictTypes/strictRequired are style lints on schema authorship (RunPod writes `allOf` +
  // `unevaluatedProperties` without a sibling `type`); the document is theirs, so only unknown
  // keywords stay strict.
  const ajvOptions = {
    allErrors: true,
    strictSchema: true,
    strictTypes: false,
    strictRequired: false,
    strictTuples: false,
  } as const;
  const ajv = options.dialect === "openapi-3.1" ? new Ajv2020(ajvOptions) : new Ajv(ajvOptions);
  addFormats(ajv);
  for (const format of options.extraFormats ?? []) ajv.addFormat(format, { validate: () => true });
  ajv.addVocabulary([...(options.annotations ?? [])]);
  // Component schemas become the `$defs` of one registered schema; refs are rewritten to match.
  const components = (document as { components: { schemas: Json } }).components;
  ajv.addSchema(rebase({ $id: id, $defs: components.schemas }));
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (schema: Json): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile(rebase(schema));
      compiled.set(key, validate);
    }
    return validate;
  };
  const paths = document.paths as Record<string, Record<string, Json>>;
  const resolve = <T>(node: unknown): T => resolveRef(document, node) as T;

  return {
    findOperation(method, path) {
      // Where several templates match, the one with the most literal segments wins, as in the
      // servers' routers (`/object/sign/{bucketName}/{*}` before `/object/{bucketName}/{*}`).
      let best: (Operation & { literals: number }) | null = null;
      for (const [template, item] of Object.entries(paths)) {
        const pathParams = matchTemplate(template, path);
        const op = item[method.toLowerCase()];
        if (!pathParams || !op) continue;
        const literals = template.split("/").filter((s) => !s.startsWith("{")).length;
        if (best && best.literals >= literals) continue;
        best = {
          method: method.toUpperCase(),
          template,
          pathParams,
          operationId: String(op.operationId ?? `${method.toUpperCase()} ${template}`),
          literals,
        };
      }
      if (!best) return null;
      const { literals: _, ...operation } = best;
      return operation;
    },

    checkRequest(operation, query, body) {
      const item = paths[operation.template] ?? {};
      const op = item[operation.method.toLowerCase()] ?? {};
      const params = [
        ...((item.parameters as unknown as unknown[]) ?? []),
        ...((op.parameters as unknown[]) ?? []),
      ].map((p) => resolve<Parameter>(p));
      const errors: string[] = [];
      for (const param of params) {
        if (param.in !== "query" && param.in !== "path") continue;
        const raw = param.in === "path" ? operation.pathParams[param.name] : query.get(param.name);
        if (raw === undefined || raw === null) {
          if (param.required) errors.push(`${param.name}: required ${param.in} parameter is missing`);
          continue;
        }
        const schema = resolve<Json>(param.schema);
        const value =
          schema.type === "array" && param.explode !== false ? query.getAll(param.name) : coerce(raw, schema);
        const validate = validatorFor(param.schema);
        if (!validate(value)) errors.push(...describe(validate.errors, `${param.in}.${param.name}`));
      }
      const known = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
      for (const name of query.keys())
        if (options.refuseUnknownQuery && !known.has(name))
          errors.push(`query.${name}: not a parameter of ${operation.operationId}`);
      const requestBody = resolve<Json | undefined>(op.requestBody);
      const bodySchema = (requestBody?.content as Record<string, { schema?: Json }> | undefined)?.[
        "application/json"
      ]?.schema;
      if (bodySchema) {
        if (body === undefined) {
          if (requestBody?.required) errors.push("$: request body is required");
        } else {
          const validate = validatorFor(bodySchema);
          const checked = options.nullMeansAbsent ? withoutNulls(body) : body;
          if (!validate(checked)) errors.push(...describe(validate.errors, "$"));
        }
      } else if (body !== undefined) {
        errors.push(`$: ${operation.operationId} takes no request body`);
      }
      return errors.length === 0 ? { ok: true } : { ok: false, errors };
    },

    checkResponse(operation, status, contentType, body) {
      const op = paths[operation.template]?.[operation.method.toLowerCase()] ?? {};
      const responses = op.responses as Record<string, unknown>;
      // OpenAPI 3 allows a range key (`4XX`) where no exact status is listed.
      const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
      if (declared === undefined) {
        if (status < 400 && options.unlistedSuccessUnchecked) return { ok: true };
        const fallback = options.undocumentedErrorSchema;
        if (status < 400 || fallback === undefined)
          return { ok: false, errors: [`status ${status} is not documented for ${operation.operationId}`] };
        const validate = validatorFor({ $ref: `#/components/schemas/${fallback}` });
        return validate(body) ? { ok: true } : { ok: false, errors: describe(validate.errors, "$") };
      }
      const response = resolve<Json>(declared);
      const content = response.content as Record<string, { schema?: Json }> | undefined;
      if (content === undefined) {
        return body === undefined || body === null
          ? { ok: true }
          : { ok: false, errors: [`status ${status} has no documented body`] };
      }
      const mediaType = (contentType ?? "").split(";")[0]?.trim() ?? "";
      const media = content[mediaType];
      if (media === undefined) {
        return {
          ok: false,
          errors: [
            `content type '${mediaType}' is not documented for ${operation.operationId} ${status} (${Object.keys(content).join(", ")})`,
          ],
        };
      }
      if (!media.schema) return { ok: true };
      const validate = validatorFor(media.schema);
      return validate(body) ? { ok: true } : { ok: false, errors: describe(validate.errors, "$") };
    },
  };
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Points `#/components/schemas/X` refs at the registered `$defs`, so any fragment can compile. */
function rebaseRefs(schema: unknown, id: string): Json {
  const text = JSON.stringify(schema).replaceAll('"$ref":"#/components/schemas/', `"$ref":"${id}#/$defs/`);
  return JSON.parse(text) as Json;
}

function resolveRef(document: Json, node: unknown): unknown {
  let current = node;
  for (let depth = 0; depth < 8; depth++) {
    const ref = (current as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref !== "string" || !ref.startsWith("#/")) return current;
    current = ref
      .slice(2)
      .split("/")
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], document);
  }
  return current;
}

/**
 * Concrete path → path parameters. A last segment `{*}` (fastify's wildcard, as Storage's document
 * writes object keys) takes the rest of the path, slashes included.
 */
function matchTemplate(template: string, path: string): Record<string, string> | null {
  const want = template.split("/");
  let got = path.replace(/\/+$/, "").split("/");
  if (want.at(-1) === "{*}" && got.length > want.length)
    got = [...got.slice(0, want.length - 1), got.slice(want.length - 1).join("/")];
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? "";
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name !== undefined) {
      if (actual.length === 0) return null;
      params[name] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

/** A parameter's string as its schema's type (`form` style with explode: false joins arrays by commas). */
function coerce(raw: string, schema: Json): unknown {
  if (schema.type === "array") return raw.split(",");
  if (schema.type === "integer" || schema.type === "number") return raw.trim() === "" ? raw : Number(raw);
  if (schema.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

/** Ajv errors as `$.path: message` (RunPod's own 422 wording). */
function describe(errors: ErrorObject[] | null | undefined, root: string): string[] {
  return (errors ?? []).map((e) => {
    const at = `${root}${e.instancePath.replaceAll("/", ".")}`;
    const extra =
      e.keyword === "additionalProperties" || e.keyword === "unevaluatedProperties"
        ? ` '${String((e.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ?? (e.params as { unevaluatedProperty?: string }).unevaluatedProperty)}'`
        : "";
    return `${at}: ${e.message ?? e.keyword}${extra}`;
  });
}
