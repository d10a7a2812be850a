// The pieces every function's Hono app shares: request ids, one error renderer, 404/405,
// and parsing that turns every malformed input into a 4xx naming the field.
import { type Context, Hono } from "hono";
import type { z } from "zod";
import type { ErrorBody } from "../contract/errors.ts";
import { FileStoreError } from "../files/file-store.ts";
import { ApiError, fromDatabaseError, RETRY_AFTER_SECONDS } from "./api-error.ts";

export type AppEnv = { Variables: { requestId: string } };

export interface BaseAppOptions {
  basePath: string;
  log?: (line: string) => void;
}

export function createBaseApp<E extends AppEnv>(options: BaseAppOptions): Hono<E> {
  const app = new Hono<E>().basePath(options.basePath);
  app.use("*", async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id =
      incoming && /^[A-Za-z0-9_.:-]{1,100}$/.test(incoming)
        ? incoming
        : `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    c.header("x-request-id", id);
    await next();
  });
  app.onError((error, c) => renderError(c, error, options.log));
  app.notFound((c) =>
    renderError(
      c,
      new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    ),
  );
  return app;
}

/** Any thrown value as the ApiError to answer with; unexpected ones are logged and become a 500. */
export function asApiError(c: Context, error: unknown, log?: (line: string) => void): ApiError {
  const known = error instanceof ApiError ? error : (fromDatabaseError(error) ?? fromFileStoreError(error));
  if (known) return known;
  const status = (error as { status?: unknown })?.status;
  if (status === 413) return new ApiError(413, "payload_too_large", "the request body is too large");
  log?.(
    `unhandled error ${c.get("requestId") ?? ""}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return new ApiError(
    500,
    "internal_error",
    "something went wrong on our side; the request id helps us find it",
  );
}

/**
 * The file store's failures: a missing object is a 404; anything else (Storage refusing the
 * deployment's service key, or unreachable) is the deployment's problem, a 503 the caller may retry.
 */
function fromFileStoreError(error: unknown): ApiError | undefined {
  if (!(error instanceof FileStoreError)) return undefined;
  if (error.notFound) return new ApiError(404, "not_found", "the stored object was not found");
  return new ApiError(503, "storage_unavailable", `${error.message}; retry shortly`);
}

export function renderError(c: Context, error: unknown, log?: (line: string) => void): Response {
  const apiError = asApiError(c, error, log);
  const body: ErrorBody = {
    error: {
      code: apiError.code,
      message: apiError.message,
      request_id: (c.get("requestId") as string | undefined) ?? "unknown",
      ...(apiError.details ? { details: apiError.details } : {}),
    },
  };
  // Every 503 is temporary by definition and a 429 ends with its window: say when to come back
  // (RFC 9110 §10.2.3); the rate limit knows its own wait, everything else waits the default.
  if (apiError.status === 429 || apiError.status === 503)
    c.header("retry-after", String(apiError.retryAfter ?? RETRY_AFTER_SECONDS));
  return c.json(body, apiError.status);
}

/** zod issues → `details` entries naming each field. */
export function zodDetails(error: z.ZodError, prefix = ""): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "(body)",
    message: i.message,
  }));
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = zodDetails(result.error, where === "body" ? "" : where);
    throw new ApiError(
      400,
      "invalid_request",
      `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}`,
      details,
    );
  }
  return result.data;
}

/** Reads a JSON body with a size cap; bad JSON, wrong content type and oversize bodies are 4xx. */
export async function readJson(c: Context, maxBytes = 1_000_000): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > maxBytes) throw new ApiError(413, "payload_too_large", `the body exceeds ${maxBytes} bytes`);
  const text = await readTextCapped(c.req.raw, maxBytes);
  if (text.trim() === "") return {};
  if (type && !type.includes("application/json") && !type.includes("text/plain")) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "the body is not valid JSON");
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH))
    throw new ApiError(
      400,
      "invalid_request",
      `the body nests objects or arrays more than ${MAX_JSON_DEPTH} deep`,
    );
  return value;
}

/** No request needs more; deeper values only cost memory and stack further down (jsonb, stringify). */
export const MAX_JSON_DEPTH = 100;

/** Iterative, so a 100,000-deep body cannot overflow the stack here; strings are never walked. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (typeof v !== "object" || v === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ApiError(413, "payload_too_large", `the body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_request", "the body is not valid UTF-8");
  }
}

/** Query parameters as a plain object; repeated keys are an error rather than a silent pick. */
export function queryObject(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const params = new URL(c.req.url).searchParams;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1)
      throw new ApiError(400, "invalid_request", `query parameter ${key} given more than once`, [
        { path: key, message: "repeated" },
      ]);
    out[key] = values[0] ?? "";
  }
  return out;
}
