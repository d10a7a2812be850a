// One WebSocket connection of the Realtime stand-in: Phoenix heartbeat, channel join/leave,
// access-token refresh and client broadcasts, with Realtime's replies and error texts
// (realtime_channel.ex). Presence and Postgres Changes are not served (the dashboard uses neither):
// a join that asks for Postgres Changes gets the system error Realtime sends when it cannot
// subscribe, so a client never waits silently.
import type postgres from "postgres";
import type WebSocket from "ws";
import type { AccessTokenChecker, VerifiedToken } from "./access-token.ts";
import { canReadBroadcast, canWriteBroadcast } from "./authorize.ts";
import { decodeFrame, encodeFrame, type Frame, FrameError, type Vsn } from "./frames.ts";

export interface Channel {
  topic: string; // "realtime:<name>"
  name: string;
  joinRef: string | null;
  private: boolean;
  self: boolean;
  ack: boolean;
  accessToken: string | null;
  token: VerifiedToken;
  canRead: boolean;
  expiry?: NodeJS.Timeout;
}

export interface SessionDeps {
  sql: postgres.Sql;
  tokens: AccessTokenChecker;
  /** Fan a client broadcast out to every session joined to the topic. */
  fanOut(from: SocketSession, channel: Channel, payload: Record<string, unknown>): void;
  log(line: string): void;
}

/** Claims of the project's anon role: what Realtime uses when a join carries no user token. */
const ANON: VerifiedToken = { role: "anon", exp: Number.MAX_SAFE_INTEGER, claims: { role: "anon" } };
const MAX_TIMER_MS = 3_600_000;

export class SocketSession {
  readonly channels = new Map<string, Channel>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    readonly vsn: Vsn,
    private readonly socketToken: string | null,
    private readonly deps: SessionDeps,
  ) {
    ws.on("message", (data, isBinary) => {
      // Frames are handled one at a time, in order, as a Phoenix channel process would.
      this.queue = this.queue
        .then(() => this.onFrame(data as Buffer, isBinary))
        .catch((error: unknown) => {
          deps.log(`realtime: frame failed: ${String(error)}`);
        });
    });
    ws.on("close", () => {
      for (const channel of this.channels.values()) clearTimeout(channel.expiry);
      this.channels.clear();
    });
  }

  send(frame: Frame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeFrame(frame, this.vsn));
  }

  private reply(f: Frame, status: "ok" | "error", response: Record<string, unknown>) {
    this.send({
      join_ref: f.join_ref,
      ref: f.ref,
      topic: f.topic,
      event: "phx_reply",
      payload: { status, response },
    });
  }

  private async onFrame(data: Buffer, isBinary: boolean) {
    let f: Frame;
    try {
      f = decodeFrame(data, isBinary, this.vsn);
    } catch (error) {
      if (error instanceof FrameError)
        this.deps.log(`realtime: dropped a malformed frame (${error.message})`);
      return;
    }
    if (f.topic === "phoenix" && f.event === "heartbeat") return this.reply(f, "ok", {});
    if (f.event === "phx_join") return this.join(f);
    const channel = this.channels.get(f.topic);
    if (!channel) return this.reply(f, "error", { reason: "unmatched topic" });
    switch (f.event) {
      case "phx_leave":
        this.reply(f, "ok", {});
        return this.close(channel);
      case "access_token":
        return this.refreshToken(channel, f.payload.access_token);
      case "broadcast":
        return this.broadcast(channel, f);
      default:
        return; // Realtime logs and ignores unexpected client events
    }
  }

  private async join(f: Frame) {
    const name = f.topic.startsWith("realtime:") ? f.topic.slice("realtime:".length) : "";
    if (name === "")
      return this.reply(f, "error", { reason: "TopicNameRequired: You must provide a topic name" });
    const config = (f.payload.config ?? {}) as {
      private?: boolean;
      broadcast?: { self?: boolean; ack?: boolean };
      postgres_changes?: unknown[];
    };
    const accessToken =
      typeof f.payload.access_token === "string" ? f.payload.access_token : this.socketToken;
    const token = await this.verify(accessToken);
    if ("error" in token) return this.reply(f, "error", { reason: token.error });
    const isPrivate = config.private === true;
    let canRead = true;
    if (isPrivate) {
      canRead = await canReadBroadcast(this.deps.sql, {
        topic: name,
        role: token.role,
        claims: token.claims,
      });
      if (!canRead)
        return this.reply(f, "error", {
          reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${name}`,
        });
    }
    const previous = this.channels.get(f.topic);
    if (previous) clearTimeout(previous.expiry);
    const channel: Channel = {
      topic: f.topic,
      name,
      joinRef: f.join_ref,
      private: isPrivate,
      self: config.broadcast?.self === true,
      ack: config.broadcast?.ack === true,
      accessToken: accessToken && !accessToken.startsWith("sb_") ? accessToken : null,
      token,
      canRead,
    };
    this.channels.set(f.topic, channel);
    this.scheduleExpiry(channel);
    this.reply(f, "ok", { postgres_changes: [] });
    if ((config.postgres_changes ?? []).length > 0)
      this.system(
        channel,
        "postgres_changes",
        "error",
        "Postgres Changes are not served by the local Realtime stand-in",
      );
  }

  private async verify(accessToken: string | null): Promise<VerifiedToken | { error: string }> {
    if (!accessToken || accessToken.startsWith("sb_")) return ANON;
    const checked = await this.deps.tokens.check(accessToken);
    return checked.ok ? checked.token : { error: `${checked.code}: ${checked.message}` };
  }

  private async refreshToken(channel: Channel, raw: unknown) {
    if (typeof raw !== "string" || raw.startsWith("sb_") || raw === channel.accessToken) return;
    const checked = await this.deps.tokens.check(raw);
    if (!checked.ok) return this.shutdown(channel, checked.message);
    const wasReadable = channel.canRead;
    channel.accessToken = raw;
    channel.token = checked.token;
    if (channel.private) {
      channel.canRead = await canReadBroadcast(this.deps.sql, {
        topic: channel.name,
        role: checked.token.role,
        claims: checked.token.claims,
      });
      if (wasReadable && !channel.canRead)
        return this.shutdown(
          channel,
          `You no longer have permission to read from this Channel topic: ${channel.name}`,
        );
    }
    this.scheduleExpiry(channel);
  }

  private async broadcast(channel: Channel, f: Frame) {
    if (channel.private) {
      const allowed = await canWriteBroadcast(this.deps.sql, {
        topic: channel.name,
        role: channel.token.role,
        claims: channel.token.claims,
      });
      if (!allowed) return; // Realtime drops it (and acks nothing)
    }
    this.deps.fanOut(this, channel, {
      type: "broadcast",
      event: f.payload.event,
      payload: f.payload.payload,
    });
    if (channel.ack) this.reply(f, "ok", {});
  }

  private scheduleExpiry(channel: Channel) {
    clearTimeout(channel.expiry);
    const ms = channel.token.exp * 1000 - Date.now();
    if (ms > MAX_TIMER_MS) {
      channel.expiry = setTimeout(() => this.scheduleExpiry(channel), MAX_TIMER_MS);
      return;
    }
    channel.expiry = setTimeout(
      () => this.shutdown(channel, "Token has expired 0 seconds ago"),
      Math.max(0, ms),
    );
  }

  private system(channel: Channel, extension: string, status: "ok" | "error", message: string) {
    this.send({
      join_ref: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: "system",
      payload: { extension, status, message, channel: channel.name },
    });
  }

  /** Realtime's shutdown_response: a system error, then the channel closes. */
  private shutdown(channel: Channel, message: string) {
    if (this.channels.get(channel.topic) !== channel) return;
    this.system(channel, "system", "error", message);
    this.close(channel);
  }

  private close(channel: Channel) {
    clearTimeout(channel.expiry);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
    this.send({
      join_ref: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: "phx_close",
      payload: {},
    });
  }
}
