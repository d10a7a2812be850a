import { notFound } from "../http/api-error.ts";
import type { FileStore } from "./file-store.ts";
import { objectKey } from "./file-store.ts";

/**
 * A stored file's bytes as an HTTP answer: streamed from the local store, or a redirect to a
 * short-lived signed URL where Storage serves large files itself. Used by the api and openai.
 */
export async function fileContentResponse(
  store: FileStore,
  file: Record<string, unknown>,
  requestId: string,
): Promise<Response> {
  const key = objectKey(String(file.organization_id), String(file.id));
  if (store.kind !== "local")
    return new Response(null, {
      status: 302,
      headers: { location: await store.signedDownloadUrl(key, 600) },
    });
  const stream = await store.get(key);
  if (!stream) throw notFound("file content");
  return new Response(stream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(file.bytes),
      "x-request-id": requestId,
    },
  });
}
