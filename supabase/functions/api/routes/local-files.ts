// Signed URLs of the local-disk FileStore: GET downloads, PUT uploads. The token in the path is a
// short-lived JWT naming the object key and the operation, like Storage's signed URLs.
import { FileRoutes } from "../../_shared/contract/routes/index.ts";
import { refuseDeclaredOversize } from "../../_shared/files/file-ingest.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { type ApiDeps, route } from "../context.ts";

export function localFileRoutes(deps: ApiDeps) {
  async function keyFor(token: string, op: "get" | "put"): Promise<string> {
    const claims = await deps.signer.verify(token).catch(() => {
      throw new ApiError(403, "forbidden", "this signed URL is not valid or has expired");
    });
    if (claims.lf_op !== op || typeof claims.lf_key !== "string")
      throw new ApiError(403, "forbidden", "this signed URL does not allow that operation");
    // Keys are relative object paths; anything else must not reach the disk store.
    if (
      claims.lf_key.split("/").some((s) => s === "" || s === "." || s === "..") ||
      claims.lf_key.includes("\\")
    )
      throw new ApiError(403, "forbidden", "this signed URL names an invalid object");
    return claims.lf_key;
  }

  const download = route(FileRoutes.localGet, async ({ params }) => {
    const key = await keyFor(params.token, "get");
    const stat = await deps.store.stat(key);
    const stream = await deps.store.get(key);
    if (!stream || !stat) throw new ApiError(404, "not_found", "object not found");
    return new Response(stream, {
      headers: { "content-type": "application/octet-stream", "content-length": String(stat.bytes) },
    });
  });

  const upload = route(FileRoutes.localPut, async ({ c, params }) => {
    const key = await keyFor(params.token, "put");
    if (!c.req.raw.body) throw new ApiError(400, "invalid_request", "the upload has no body");
    let bytes = 0;
    const limit = deps.config.maxUploadBytes;
    refuseDeclaredOversize(c.req.raw, limit);
    const capped = c.req.raw.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          if (bytes > limit)
            controller.error(new ApiError(413, "payload_too_large", `the file exceeds ${limit} bytes`));
          else controller.enqueue(chunk);
        },
      }),
    );
    const stored = await deps.store.put(key, capped);
    return { key, bytes: stored.bytes };
  });

  return [download, upload];
}
