// Minimal node:http plumbing for the hand-written servers in scripts (the pod agent and the fake
// RunPod are Hono apps now): read a bounded
// JSON body, send JSON, listen on 127.0.0.1 with an ephemeral port, close without hanging on
// keep-alive sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: "empty" | "invalid_json" | "too_large" };

export async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return { ok: false, reason: "too_large" };
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim().length === 0) return { ok: false, reason: "empty" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "invalid_json" };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = "application/json",
): void {
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listenLocal(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
  host = "127.0.0.1",
): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: "internal", message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Serves a fetch handler (a Hono app's `fetch`) on 127.0.0.1 with @hono/node-server. */
export async function serveFetchLocal(
  fetchHandler: (request: Request) => Response | Promise<Response>,
  port = 0,
): Promise<RunningServer> {
  const { server, bound } = await new Promise<{ server: ReturnType<typeof serve>; bound: number }>(
    (resolve) => {
      const server = serve({ fetch: fetchHandler, port, hostname: "127.0.0.1" }, (info) =>
        resolve({ server, bound: info.port }),
      );
    },
  );
  // Idle keep-alive sockets are left for the client to close: with Node's 5 s server timeout, a
  // loaded machine let fetch reuse a socket the server was closing ("fetch failed", seen in the
  // full suite). close() ends every connection anyway.
  if ("keepAliveTimeout" in server) server.keepAliveTimeout = 0;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
