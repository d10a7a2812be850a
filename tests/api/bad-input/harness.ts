// Sends malformed requests and checks that every answer is a 4xx in the one error shape.
import { readdirSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type postgres from "postgres";
import { ErrorCode } from "../../../supabase/functions/_shared/contract/errors.ts";

/** One malformed request. `path` is relative to …/functions/v1 and already URL-encoded. */
export interface BadCase {
  name: string;
  method: string;
  path: string;
  /** The Authorization header value; null sends none. */
  auth: string | null;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData | (() => ReadableStream<Uint8Array>);
  /** A raw HTTP/1.1 request sent over a socket, for bytes fetch would not send. */
  raw?: Uint8Array;
  /** Exact status expected; otherwise any 4xx. */
  status?: number;
  /** Error codes accepted; otherwise any code of the contract. */
  codes?: readonly string[];
}

export interface Reply {
  status: number;
  contentType: string;
  text: string;
}

const STABLE_CODES = new Set<string>(ErrorCode.options);

/** What is wrong with a reply, or null when it is a proper 4xx error. */
export function problemWith(c: BadCase, reply: Reply): string | null {
  if (reply.status >= 500 || reply.status < 400) return `status ${reply.status}: ${reply.text.slice(0, 300)}`;
  if (c.status !== undefined && reply.status !== c.status)
    return `status ${reply.status}, expected ${c.status}: ${reply.text.slice(0, 300)}`;
  if (!reply.contentType.includes("application/json"))
    return `content-type ${reply.contentType || "(none)"}: ${reply.text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    return `body is not JSON: ${reply.text.slice(0, 200)}`;
  }
  const shape = body as { error?: Record<string, unknown> } | null;
  const error = shape?.error;
  if (!error || typeof error !== "object" || Object.keys(shape).length !== 1)
    return `no {"error":…} body: ${reply.text.slice(0, 200)}`;
  const { code, message, request_id: requestId } = error;
  if (typeof code !== "string" || !STABLE_CODES.has(code)) return `unstable code ${String(code)}`;
  if (typeof message !== "string" || message === "") return "empty message";
  if (typeof requestId !== "string" || requestId === "") return "no request_id";
  if (c.codes && !c.codes.includes(code)) return `code ${code}, expected ${c.codes.join("|")}`;
  if (/\.ts:\d+|\bat async\b|SQLSTATE|syntax error at|relation "/i.test(message))
    return `message leaks internals: ${message}`;
  return null;
}

let sourceCounter = 0;

export async function send(baseUrl: string, c: BadCase): Promise<Reply> {
  if (c.raw) return sendRaw(baseUrl, c.raw);
  // Each case from its own source address: unknown tokens are rate limited per source (20 a
  // minute), and this suite sends one per route on purpose.
  sourceCounter += 1;
  const source = `198.18.${Math.floor(sourceCounter / 250) % 250}.${sourceCounter % 250}`;
  const headers: Record<string, string> = { "x-forwarded-for": source, ...(c.headers ?? {}) };
  if (c.auth !== null) headers.authorization = c.auth;
  const init: RequestInit & { duplex?: "half" } = { method: c.method, headers };
  if (typeof c.body === "function") {
    init.body = c.body();
    init.duplex = "half";
  } else if (c.body !== undefined) init.body = c.body as BodyInit;
  const res = await fetch(`${baseUrl}${c.path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** Writes bytes to the gateway's socket and parses the (Connection: close) answer. */
function sendRaw(baseUrl: string, bytes: Uint8Array): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("raw request timed out"));
    }, 10_000);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? "0");
      const contentType = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? "";
      const chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      const body = rest.join("\r\n\r\n");
      resolve({ status, contentType, text: chunked ? dechunk(body) : body });
    };
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      // The server may keep the socket open after answering a request whose body it never read.
      if (completeResponse(Buffer.concat(chunks).toString("utf8"))) socket.destroy();
    });
    socket.on("close", finish);
    socket.on("error", () => {});
    socket.write(bytes);
  });
}

function completeResponse(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = text.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return Buffer.byteLength(text.slice(end + 4)) >= Number(length);
  return /\r\ntransfer-encoding:\s*chunked/i.test(head) && text.endsWith("0\r\n\r\n");
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    if (line < 0) return out;
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}

/** Sends every case, `concurrency` at a time; returns one line per failing case. */
export async function runCases(baseUrl: string, cases: BadCase[], concurrency = 8): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    for (;;) {
      const c = cases[next++];
      if (!c) return;
      let problem: string | null;
      try {
        problem = problemWith(c, await send(baseUrl, c));
      } catch (error) {
        problem = `request failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (problem) failures.push(`${c.method} ${c.path.slice(0, 120)} [${c.name}] → ${problem}`);
    }
  });
  await Promise.all(workers);
  return failures;
}

/** Row count and content digest of every table, plus every stored file: what "nothing written" compares. */
export async function snapshot(sql: postgres.Sql, filesDir: string): Promise<Record<string, string>> {
  const tables = await sql<{ schema: string; name: string }[]>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
      -- The rate limiter's count of failed token guesses is bookkeeping, like last_used_at below.
      and (table_schema, table_name) <> ('internal', 'auth_failures')
    order by 1, 2`;
  const out: Record<string, string> = {};
  for (const t of tables) {
    const ident = `"${t.schema}"."${t.name}"`;
    // last_used_at is a throttled bookkeeping update on successful authentication, not data.
    const [row] = await sql.unsafe<{ n: number; digest: string | null }[]>(
      `select count(*)::int as n, md5(string_agg((to_jsonb(x) - 'last_used_at')::text, ',' order by (to_jsonb(x) - 'last_used_at')::text)) as digest from ${ident} x`,
    );
    out[`table ${ident}`] = `${row?.n} rows, ${row?.digest ?? "-"}`;
  }
  for (const file of listFiles(filesDir)) out[`file ${file.path}`] = `${file.bytes} bytes`;
  return out;
}

function listFiles(dir: string, prefix = ""): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(full, rel));
    else out.push({ path: rel, bytes: statSync(full).size });
  }
  return out;
}

/** The keys whose values differ between two snapshots. */
export function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k}: ${before[k] ?? "(absent)"} → ${after[k] ?? "(absent)"}`);
}
