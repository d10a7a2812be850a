/**
 * A fetch-shaped transport over node:http(s) for streaming uploads. Node's built-in fetch
 * buffered a streamed request body: uploading 256 MB peaked at 326 MB RSS, against 89 MB through
 * node:http with backpressure (measured on Node 20.20; see BENCHMARKS.md "SDK: streaming upload").
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import type { FetchLike } from "../core/http.ts";

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

export const nodeUploadFetch: FetchLike = (input, init = {}) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, { method: init.method ?? "POST", headers, signal: init.signal ?? undefined });
    req.on("response", (res) => {
      const status = res.statusCode ?? 500;
      const empty = status === 204 || status === 304 || init.method === "HEAD";
      const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: res.statusMessage, headers: toHeaders(res) }));
    });
    req.on("error", reject);
    const body = init.body;
    if (body instanceof ReadableStream) {
      pipeline(Readable.fromWeb(body as NodeWebStream<Uint8Array>), req).catch(reject);
    } else {
      req.end(body ?? undefined);
    }
  });
};
