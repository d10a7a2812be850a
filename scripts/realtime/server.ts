// A local stand-in for Supabase Realtime (Broadcast only), for the Docker-free stack where the
// real Realtime server cannot run. It speaks the part of Realtime's published protocol that
// @supabase/realtime-js uses (socket-session.ts) at the same path
// (`<url>/realtime/v1/websocket?apikey=…&vsn=…`), authorizes private channels through the RLS
// policies on realtime.messages (authorize.ts), and delivers what `realtime.send()` writes to
// realtime.messages, woken by the NOTIFY the bootstrap's trigger sends at commit.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { WebSocketServer } from "ws";
import type { JwtKeysConfig } from "../../supabase/functions/_shared/auth/jwt-keys.ts";
import { createAccessTokenChecker } from "./access-token.ts";
import type { Vsn } from "./frames.ts";
import { type Channel, SocketSession } from "./socket-session.ts";

export interface RealtimeStandInOptions {
  dbUrl: string;
  port?: number;
  host?: string;
  /** How access tokens and JWT apikeys are verified (the project's JWT secret and/or JWKS). */
  jwt: JwtKeysConfig;
  /** Opaque API keys accepted as `apikey` (sb_publishable_… / sb_secret_…). */
  apiKeys?: readonly string[];
  /** Broadcast messages older than this are deleted (Realtime keeps days; the tables are the truth). */
  retentionSeconds?: number;
  log?: (line: string) => void;
  /**
   * Plain HTTP requests on the same URL (supabase-js takes one project URL for every service): the
   * local stack serves the Auth stand-in's `/auth/v1` here. Answers false when it does not serve the path.
   */
  http?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export interface RealtimeStandIn {
  /** Base URL to give supabase-js as its project URL (websocket at /realtime/v1/websocket). */
  url: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

const PATH = "/realtime/v1/websocket";

interface MessageRow {
  id: string;
  topic: string;
  event: string | null;
  payload: unknown;
  private: boolean | null;
}

export async function startRealtimeStandIn(options: RealtimeStandInOptions): Promise<RealtimeStandIn> {
  const log = options.log ?? (() => {});
  const sql = postgres(options.dbUrl, { max: 4, onnotice: () => {} });
  const tokens = createAccessTokenChecker(options.jwt, options.apiKeys ?? []);
  const sessions = new Set<SocketSession>();

  const deliver = (
    topic: string,
    isPrivate: boolean,
    payload: Record<string, unknown>,
    skip?: SocketSession,
  ) => {
    for (const session of sessions) {
      if (session === skip) continue;
      const channel = session.channels.get(`realtime:${topic}`);
      if (!channel || channel.private !== isPrivate || !channel.canRead) continue;
      session.send({ join_ref: null, ref: null, topic: channel.topic, event: "broadcast", payload });
    }
  };
  const fanOut = (from: SocketSession, channel: Channel, payload: Record<string, unknown>) => {
    deliver(channel.name, channel.private, payload, channel.self ? undefined : from);
  };

  // NOTIFYs arrive in commit order; reading them one at a time keeps that order for subscribers.
  let reading: Promise<void> = Promise.resolve();
  const listener = await sql.listen("realtime_messages", (id) => {
    reading = reading
      .then(async () => {
        if (sessions.size === 0) return;
        const [row] = await sql<MessageRow[]>`select id, topic, event, payload, private
          from realtime.messages where id = ${id}`;
        if (!row) return;
        deliver(row.topic, row.private === true, {
          type: "broadcast",
          event: row.event,
          payload: row.payload,
          meta: { id: row.id },
        });
      })
      .catch((error: unknown) => log(`realtime: delivery failed: ${String(error)}`));
  });

  const retention = options.retentionSeconds ?? 600;
  const sweeper = setInterval(() => {
    sql`delete from realtime.messages where inserted_at < now() - make_interval(secs => ${retention})`.catch(
      (error: unknown) => log(`realtime: sweep failed: ${String(error)}`),
    );
  }, 60_000);

  const notServed = (res: ServerResponse) => {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "the Realtime stand-in serves only /realtime/v1/websocket" }));
  };
  const http = createServer((req, res) => {
    if (!options.http) return notServed(res);
    options.http(req, res).then(
      (served) => {
        if (!served) notServed(res);
      },
      (error: unknown) => {
        log(`realtime: http handler failed: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "internal error" }));
      },
    );
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (req: IncomingMessage, socket, head) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const apikey = url.searchParams.get("apikey") ?? req.headers.apikey?.toString() ?? null;
      const vsnParam = url.searchParams.get("vsn") ?? "1.0.0";
      const refuse = (status: number, message: string) => {
        socket.end(
          `HTTP/1.1 ${status} ${message}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}`,
        );
      };
      if (url.pathname !== PATH) return refuse(404, "Not Found");
      if (vsnParam !== "1.0.0" && vsnParam !== "2.0.0") return refuse(400, "Unsupported vsn");
      if (!apikey || !(await tokens.acceptsApiKey(apikey))) return refuse(403, "Forbidden: invalid apikey");
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new SocketSession(ws, vsnParam as Vsn, apikey.startsWith("sb_") ? null : apikey, {
          sql,
          tokens,
          fanOut,
          log,
        });
        sessions.add(session);
        ws.on("close", () => sessions.delete(session));
      });
    })().catch((error: unknown) => {
      log(`realtime: upgrade failed: ${String(error)}`);
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    connections: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await listener.unlisten().catch(() => {});
      await sql.end({ timeout: 2 });
    },
  };
}
