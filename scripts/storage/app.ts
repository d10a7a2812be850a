// A local stand-in for Supabase Storage's REST API (`<project>/storage/v1`), as a Hono app, for the
// tests of the Storage FileStore adapter (which uses @supabase/storage-js) where the real server
// cannot run. It serves the object operations the adapter and the worker use — upload, download,
// info, list, move, remove, signed download URLs and signed upload URLs — and holds every request and
// every answer to Storage's published OpenAPI document (./openapi, SOURCE.md):
// - a request the document refuses gets Storage's error body naming the problem;
// - an answer of the stand-in that the document refuses becomes a 500 and is recorded in
//   `state.schemaViolations`, so a stand-in drifting from Storage fails the tests.
// Like Storage (src/http/error-handler.ts), errors travel as HTTP 400 with the real status in the
// body's `statusCode` string; storage-js reads that field.
// Keys: an opaque `sb_secret_…` key in `apikey` (what Supabase's gateway accepts for the service
// role), or a legacy service_role JWT signed with the project's JWT secret as the bearer token.
// Signed URL tokens are HS256 JWTs over `<bucket>/<key>` with that secret, as Storage signs them.
import { Hono } from "hono";
import { jwtVerify, SignJWT } from "jose";
import { createJwtVerifier } from "../../supabase/functions/_shared/auth/jwt-keys.ts";
import type { OpenApiValidator, Operation } from "../openapi/validator.ts";
import { type ObjectMeta, ObjectStore, StorageFailure } from "./objects.ts";
import { storageValidator } from "./openapi.ts";

export const STORAGE_PREFIX = "/storage/v1";
// Storage fixes signed upload URLs at two hours (storage-js createSignedUploadUrl docs).
const UPLOAD_URL_SECONDS = 7200;

export interface StorageStandInOptions {
  /** Folder the objects' bytes are written to. */
  root: string;
  /** The project's JWT secret: legacy service_role keys are verified with it, signed URLs signed. */
  jwtSecret: string;
  /** Opaque secret keys (`sb_secret_…`) accepted in `apikey`. */
  secretKeys: readonly string[];
  buckets: readonly string[];
  /** The buckets' file_size_limit (Storage refuses bigger uploads with EntityTooLarge). */
  fileSizeLimit?: number;
}

export interface StorageStandInState {
  objects: ObjectStore;
  /** Answers the stand-in gave that broke Storage's schema (a test asserts this stays empty). */
  schemaViolations: { operation: string; status: number; errors: string[] }[];
  /** Requests the document refused. */
  refusals: { operation: string; errors: string[] }[];
  requests: { method: string; path: string }[];
}

type Env = { Variables: { operation: Operation } };

function failure(e: StorageFailure): Response {
  const status = e.statusCode >= 500 ? 500 : 400;
  const body = { statusCode: String(e.statusCode), code: e.code, error: e.error, message: e.message };
  return Response.json(body, { status });
}

const accessDenied = (message: string) => new StorageFailure(403, "AccessDenied", message, "Unauthorized");

export function makeStorageStandInApp(
  options: StorageStandInOptions,
  validator: OpenApiValidator = storageValidator(),
): { app: Hono<Env>; state: StorageStandInState } {
  const state: StorageStandInState = {
    objects: new ObjectStore(options.root, options.buckets),
    schemaViolations: [],
    refusals: [],
    requests: [],
  };
  const secret = new TextEncoder().encode(options.jwtSecret);
  const legacy = createJwtVerifier({ hs256Secret: options.jwtSecret });
  const maxBytes = options.fileSizeLimit ?? Number.MAX_SAFE_INTEGER;

  async function requireServiceRole(req: Request): Promise<void> {
    const apikey = req.headers.get("apikey") ?? "";
    if (apikey.startsWith("sb_")) {
      if (options.secretKeys.includes(apikey)) return;
      throw accessDenied("Invalid API key");
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
    if (!bearer) throw accessDenied("Access denied: JWT is not authenticated");
    const claims = await legacy.verify(bearer).catch(() => {
      throw accessDenied("invalid signature");
    });
    if (claims.role !== "service_role") throw accessDenied("Access denied: Invalid role");
  }

  const signToken = (claims: Record<string, unknown>, seconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
      .sign(secret);

  async function tokenFor(url: URL, bucket: string, key: string): Promise<Record<string, unknown>> {
    const token = url.searchParams.get("token") ?? "";
    const claims = await jwtVerify(token, secret, { algorithms: ["HS256"] }).then(
      (r) => r.payload as Record<string, unknown>,
      () => {
        throw new StorageFailure(400, "InvalidSignature", "Invalid signature");
      },
    );
    if (claims.url !== `${bucket}/${key}`)
      throw new StorageFailure(400, "InvalidSignature", "Invalid signature");
    return claims;
  }

  const app = new Hono<Env>();
  app.onError((error) => {
    if (error instanceof StorageFailure) return failure(error);
    return failure(new StorageFailure(500, "InternalError", `stand-in failure: ${String(error)}`));
  });

  // Every call: find the documented operation, authenticate (but for signed URLs), check the
  // request, run the handler, then check the answer.
  app.use(`${STORAGE_PREFIX}/*`, async (c, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(STORAGE_PREFIX.length);
    state.requests.push({ method: c.req.method, path });
    const operation = validator.findOperation(c.req.method, path);
    if (!operation) throw new StorageFailure(404, "NotFound", `Route ${c.req.method}:${path} not found`);
    const signedUrl =
      /^\/object\/(upload\/)?sign\/\{bucketName\}/.test(operation.template) && c.req.method !== "POST";
    if (!signedUrl) await requireServiceRole(c.req.raw);
    const check = validator.checkRequest(operation, url.searchParams, await jsonBody(c.req.raw));
    if (!check.ok) {
      state.refusals.push({ operation: operation.operationId, errors: check.errors });
      throw new StorageFailure(400, "InvalidRequest", check.errors.join("; "));
    }
    c.set("operation", operation);
    await next();
    const contentType = c.res.headers.get("content-type");
    const body = contentType?.includes("json") ? await c.res.clone().json() : undefined;
    const answer = validator.checkResponse(operation, c.res.status, contentType, body);
    if (!answer.ok) {
      state.schemaViolations.push({
        operation: operation.operationId,
        status: c.res.status,
        errors: answer.errors,
      });
      c.res = failure(
        new StorageFailure(500, "InternalError", `breaks Storage's schema: ${answer.errors.join("; ")}`),
      );
    }
  });

  const base = app.basePath(STORAGE_PREFIX);
  const target = (c: { get(k: "operation"): Operation }) => {
    const { bucketName = "", "*": key = "" } = c.get("operation").pathParams;
    return { bucket: bucketName, key };
  };
  const write = (req: Request, bucket: string, key: string, upsert: boolean) =>
    state.objects.write(bucket, key, req.body, {
      upsert,
      contentType: req.headers.get("content-type") ?? "application/octet-stream",
      cacheControl: req.headers.get("cache-control") ?? "no-cache",
      maxBytes,
    });

  base.post("/object/upload/sign/:bucket/*", async (c) => {
    const { bucket, key } = target(c);
    state.objects.checkTarget(bucket, key);
    const token = await signToken(
      { url: `${bucket}/${key}`, upsert: c.req.header("x-upsert") === "true" },
      UPLOAD_URL_SECONDS,
    );
    return c.json({ url: `/object/upload/sign/${bucket}/${key}?token=${token}`, token });
  });
  base.put("/object/upload/sign/:bucket/*", async (c) => {
    const { bucket, key } = target(c);
    const claims = await tokenFor(new URL(c.req.url), bucket, key);
    await write(c.req.raw, bucket, key, claims.upsert === true);
    return c.json({ Key: `${bucket}/${key}` });
  });
  base.post("/object/sign/:bucket/*", async (c) => {
    const { bucket, key } = target(c);
    state.objects.info(bucket, key);
    const { expiresIn } = (await c.req.json()) as { expiresIn: number };
    const token = await signToken({ url: `${bucket}/${key}` }, expiresIn);
    return c.json({ signedURL: `/object/sign/${bucket}/${key}?token=${token}` });
  });
  base.get("/object/sign/:bucket/*", async (c) => {
    const { bucket, key } = target(c);
    await tokenFor(new URL(c.req.url), bucket, key);
    return download(state.objects, bucket, key);
  });
  base.get("/object/info/:bucket/*", (c) => {
    const { bucket, key } = target(c);
    return c.json(infoJson(state.objects.info(bucket, key)));
  });
  base.get("/object/authenticated/:bucket/*", (c) => {
    const { bucket, key } = target(c);
    return download(state.objects, bucket, key);
  });
  base.post("/object/move", async (c) => {
    const body = (await c.req.json()) as { bucketId: string; sourceKey: string; destinationKey: string };
    await state.objects.move(body.bucketId, body.sourceKey, body.destinationKey);
    return c.json({ message: "Successfully moved" });
  });
  base.post("/object/list/:bucket", async (c) => {
    const { bucket } = target(c);
    const body = (await c.req.json()) as ListBody;
    return c.json(listJson(state.objects, bucket, body));
  });
  base.delete("/object/:bucket", async (c) => {
    const { bucket } = target(c);
    const { prefixes } = (await c.req.json()) as { prefixes: string[] };
    const removed = await state.objects.remove(bucket, prefixes);
    return c.json(removed.map(removedJson));
  });
  base.get("/object/:bucket/*", (c) => {
    const { bucket, key } = target(c);
    return download(state.objects, bucket, key);
  });
  base.post("/object/:bucket/*", async (c) => {
    const { bucket, key } = target(c);
    const meta = await write(c.req.raw, bucket, key, c.req.header("x-upsert") === "true");
    return c.json({ Id: meta.id, Key: `${bucket}/${key}` });
  });
  // A documented operation the stand-in does not serve answers as Storage answers an unknown route.
  base.all("*", (c) => {
    throw new StorageFailure(
      404,
      "NotFound",
      `the Storage stand-in does not serve ${c.req.method} ${c.req.path}`,
    );
  });

  return { app, state };
}

/** A request's JSON body for the validator: none for binary uploads; storage-js's `{}` on calls the document gives no body. */
async function jsonBody(req: Request): Promise<unknown> {
  if (!(req.headers.get("content-type") ?? "").includes("json")) return undefined;
  const text = await req.clone().text();
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StorageFailure(400, "InvalidRequest", "Body is not valid JSON");
  }
  const empty = typeof parsed === "object" && parsed !== null && Object.keys(parsed).length === 0;
  return empty ? undefined : parsed;
}

async function download(objects: ObjectStore, bucket: string, key: string): Promise<Response> {
  const { meta, body } = await objects.read(bucket, key);
  return new Response(body, {
    headers: {
      "content-type": meta.contentType,
      "content-length": String(meta.size),
      "cache-control": meta.cacheControl,
      etag: meta.etag,
      "last-modified": new Date(meta.updatedAt).toUTCString(),
    },
  });
}

/** Object info as Storage answers it (storage-js's FileObjectV2). */
function infoJson(m: ObjectMeta) {
  return {
    id: m.id,
    version: m.id,
    name: m.name,
    bucket_id: m.bucket,
    created_at: m.createdAt,
    last_modified: m.updatedAt,
    size: m.size,
    content_type: m.contentType,
    cache_control: m.cacheControl,
    etag: m.etag,
    metadata: {},
  };
}

type ListBody = {
  prefix: string;
  limit?: number;
  offset?: number;
  search?: string;
  sortBy?: { column: "name" | "updated_at" | "created_at" | "last_accessed_at"; order?: "asc" | "desc" };
};

/**
 * POST /object/list: one folder level. Folders carry null id, times and metadata; sorted by a time
 * column they come after the objects (Postgres sorts nulls last ascending; descending it would put
 * them first, which the stand-in does not mimic: nothing here lists newest first).
 */
function listJson(objects: ObjectStore, bucket: string, body: ListBody) {
  const column = body.sortBy?.column ?? "name";
  const sign = body.sortBy?.order === "desc" ? -1 : 1;
  const key = (e: ReturnType<ObjectStore["list"]>[number]): string | null => {
    if (column === "name") return e.name;
    if (e.folder) return null;
    return column === "created_at" ? e.meta.createdAt : e.meta.updatedAt;
  };
  const entries = objects
    .list(bucket, body.prefix)
    .filter((e) => e.name.startsWith(body.search ?? ""))
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return sign * (x < y ? -1 : x > y ? 1 : 0);
    });
  const offset = body.offset ?? 0;
  return entries.slice(offset, offset + (body.limit ?? 100)).map((e) =>
    e.folder
      ? { name: e.name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null }
      : {
          name: e.name,
          id: e.meta.id,
          updated_at: e.meta.updatedAt,
          created_at: e.meta.createdAt,
          last_accessed_at: e.meta.updatedAt,
          metadata: objectMetadata(e.meta),
        },
  );
}

const objectMetadata = (m: ObjectMeta) => ({
  size: m.size,
  mimetype: m.contentType,
  eTag: m.etag,
  cacheControl: m.cacheControl,
});

/** A removed object as the document's objectSchema. */
function removedJson(m: ObjectMeta) {
  return {
    name: m.name,
    bucket_id: m.bucket,
    id: m.id,
    version: m.id,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    last_accessed_at: m.updatedAt,
    metadata: objectMetadata(m),
    user_metadata: null,
  };
}
