// A small local HTTP stand-in for the API (127.0.0.1, port 0) and a runner for the real CLI.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface DoubleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface DoubleReply {
  status?: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export type DoubleHandler = (req: DoubleRequest) => DoubleReply | Promise<DoubleReply>;

export interface HttpDouble {
  url: string;
  requests: DoubleRequest[];
  routes: Record<string, DoubleHandler>;
  close(): Promise<void>;
}

export async function startHttpDouble(routes: Record<string, DoubleHandler> = {}): Promise<HttpDouble> {
  const requests: DoubleRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/functions\/v1/, "");
    if (req.method === "GET" && path === "/api/me" && !double.routes["GET /api/me"]) {
      // Every double belongs to one organization; the client asks once, lazily (signed uploads).
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          organization: {
            id: "00000000-0000-4000-8000-000000000001",
            name: "test",
            created_at: "2026-01-01T00:00:00Z",
          },
          token_id: null,
          role: "admin",
          user_id: null,
        }),
      );
      return;
    }
    const request = {
      method: req.method ?? "GET",
      path,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    requests.push(request);
    const handler = double.routes[`${request.method} ${path}`];
    const reply: DoubleReply = handler
      ? await handler(request)
      : {
          status: 404,
          json: {
            error: {
              code: "not_found",
              message: `no route ${request.method} ${path}`,
              request_id: "req_double",
            },
          },
        };
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? "");
    res.writeHead(reply.status ?? 200, {
      "content-type": reply.json !== undefined ? "application/json" : "application/octet-stream",
      ...reply.headers,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const double: HttpDouble = {
    url: `http://127.0.0.1:${port}/functions/v1`,
    requests,
    routes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return double;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** Absolute, so the CLI can run from any working directory. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const cliMain = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a subprocess (tsx, so no build is needed). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, cliMain, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: "1",
        TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.json`,
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // never leave a CLI behind when a test goes wrong
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
