// The Realtime stand-in against the real client (@supabase/supabase-js → realtime-js) and a real
// Postgres with the migrations: private channels are authorized by the RLS policy the broadcast
// migration puts on realtime.messages, and what realtime.send() commits reaches subscribers.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type RealtimeChannel, type SupabaseClient } from "@supabase/supabase-js";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenSigner } from "../../supabase/functions/_shared/auth/token-signer.ts";
import { asCaller, createOrg, type Org } from "../../tests/support/claims.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database.ts";
import { type RealtimeStandIn, startRealtimeStandIn } from "./server.ts";

const SECRET = "realtime-stand-in-test-secret-0123456789abcdef";
let db: TestDatabase;
let rt: RealtimeStandIn;
let orgA: Org;
let orgB: Org;
let jobA: string;
const clients: SupabaseClient[] = [];

async function jwt(claims: Record<string, unknown>, ttlSeconds = 600) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(SECRET));
}

async function memberToken(org: Org, ttlSeconds = 600) {
  return jwt({ role: "authenticated", ...org.admin }, ttlSeconds);
}

function client(getToken: () => Promise<string>, apikey = "sb_publishable_test") {
  const c = createClient(rt.url, apikey, {
    accessToken: getToken,
    realtime: { transport: WebSocket as never, heartbeatIntervalMs: 500 },
  });
  clients.push(c);
  return c;
}

/** As Supabase's docs direct for private channels: the token is set before the join is sent. */
async function subscribed(channel: RealtimeChannel): Promise<string> {
  await (channel as unknown as { socket: { setAuth(): Promise<void> } }).socket.setAuth();
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === "SUBSCRIBED") resolve(status);
      else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") reject(error ?? new Error(status));
    });
  });
}

function until<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error("condition not met in time"));
      setTimeout(tick, 20);
    };
    tick();
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  orgA = await createOrg(db.sql, "a");
  orgB = await createOrg(db.sql, "b");
  jobA = await asCaller(db.sql, orgA.admin, async (tx) => {
    const [row] = await tx`select (job).id from public.submit_job(p_type => 'custom', p_image => 'img:1',
      p_entrypoint => array['python','main.py'], p_params => ${tx.json({ n: 1 })}, p_requires_vram_gb => 0)`;
    return String(row!.id);
  });
  rt = await startRealtimeStandIn({
    dbUrl: db.url,
    jwt: { hs256Secret: SECRET },
    apiKeys: ["sb_publishable_test"],
  });
});

afterAll(async () => {
  for (const c of clients) await c.removeAllChannels();
  await rt?.close();
  await db?.drop();
});

describe("the Realtime stand-in", () => {
  it("delivers what realtime.send commits to a member on the job's private channel, and nothing rolled back", async () => {
    const token = await memberToken(orgA);
    const got: unknown[] = [];
    const channel = client(async () => token)
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("broadcast", { event: "log" }, (m) => got.push(m.payload));
    await subscribed(channel);
    await db.sql
      .begin(async (tx) => {
        await tx`select realtime.send(${tx.json({ n: 0 })}, 'log', ${`job:${jobA}`}, true)`;
        throw new Error("roll back");
      })
      .catch(() => {});
    await db.sql`select realtime.send(${db.sql.json({ n: 1 })}, 'log', ${`job:${jobA}`}, true)`;
    await db.sql`select realtime.send(${db.sql.json({ n: 2 })}, 'log', ${`job:${jobA}`}, true)`;
    await until(() => (got.length >= 2 ? true : undefined));
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("refuses another organization's member the private channel, by the RLS policy", async () => {
    const token = await memberToken(orgB);
    const channel = client(async () => token).channel(`job:${jobA}`, { config: { private: true } });
    await expect(subscribed(channel)).rejects.toThrow(
      /You do not have permissions to read from this Channel topic/,
    );
  });

  it("refuses a token signed with another secret and a token without exp", async () => {
    const forged = await new SignJWT({ role: "authenticated", ...orgA.admin })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode("another-secret-another-secret-another-secret"));
    await expect(
      subscribed(client(async () => forged).channel(`job:${jobA}`, { config: { private: true } })),
    ).rejects.toThrow(/Failed to validate JWT signature/);
    const noExp = await new SignJWT({ role: "authenticated" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(SECRET));
    await expect(
      subscribed(client(async () => noExp).channel(`job:${jobA}`, { config: { private: true } })),
    ).rejects.toThrow(/Fields `role` and `exp` are required/);
  });

  it("a job's status change reaches its channel through the status trigger and the stand-in", async () => {
    const token = await memberToken(orgA);
    const got: { job_id: string; status: string }[] = [];
    const channel = client(async () => token)
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("broadcast", { event: "status" }, (m) => got.push(m.payload as never));
    await subscribed(channel);
    await asCaller(db.sql, orgA.admin, (tx) => tx`select public.cancel_job(${jobA})`);
    const change = await until(() => got.find((m) => m.status === "canceled"));
    expect(change.job_id).toBe(jobA);
  });

  it("closes the channel when a refreshed access token is expired, with Realtime's system message", async () => {
    let token = await memberToken(orgA);
    const system: { status: string; message: string }[] = [];
    const c = client(async () => token);
    const channel = c
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("system", {}, (m) => system.push(m as never));
    await subscribed(channel);
    token = await memberToken(orgA, -60);
    await c.realtime.setAuth();
    const shut = await until(() => system.find((m) => m.status === "error"));
    expect(shut.message).toMatch(/Token has expired/);
  });

  it("accepts a fresh token on refresh and keeps delivering", async () => {
    let token = await memberToken(orgA);
    const got: unknown[] = [];
    const c = client(async () => token);
    const channel = c
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("broadcast", { event: "event" }, (m) => got.push(m.payload));
    await subscribed(channel);
    token = await memberToken(orgA, 900);
    await c.realtime.setAuth();
    await db.sql`select realtime.send(${db.sql.json({ after: "refresh" })}, 'event', ${`job:${jobA}`}, true)`;
    await until(() => (got.length > 0 ? true : undefined));
    expect(got).toEqual([{ after: "refresh" }]);
  });

  it("fans a client broadcast out on a public channel and refuses one on a private channel without an INSERT policy", async () => {
    const token = await memberToken(orgA);
    const received: unknown[] = [];
    const listener = client(async () => token)
      .channel("room:1")
      .on("broadcast", { event: "hi" }, (m) => received.push(m.payload));
    await subscribed(listener);
    const sender = client(async () => token).channel("room:1", { config: { broadcast: { ack: true } } });
    await subscribed(sender);
    expect(await sender.send({ type: "broadcast", event: "hi", payload: { x: 1 } })).toBe("ok");
    await until(() => (received.length > 0 ? true : undefined));
    expect(received).toEqual([{ x: 1 }]);

    const privateGot: unknown[] = [];
    const privateListener = client(async () => token)
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("broadcast", { event: "forged" }, (m) => privateGot.push(m.payload));
    await subscribed(privateListener);
    const privateSender = client(async () => token).channel(`job:${jobA}`, {
      config: { private: true, broadcast: { ack: true } },
    });
    await subscribed(privateSender);
    expect(
      await privateSender.send({ type: "broadcast", event: "forged", payload: { x: 2 } }, { timeout: 1500 }),
    ).toBe("timed out");
    expect(privateGot).toEqual([]);
  });

  it("answers heartbeats and refuses a socket without a valid apikey", async () => {
    const token = await memberToken(orgA);
    const c = client(async () => token);
    await subscribed(c.channel("room:hb"));
    const status = await new Promise<string>((resolve) => {
      c.realtime.onHeartbeat((s) => {
        if (s === "ok") resolve(s);
      });
    });
    expect(status).toBe("ok");
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(
        `${rt.url.replace("http", "ws")}/realtime/v1/websocket?apikey=sb_publishable_wrong&vsn=2.0.0`,
      );
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
    });
    expect(refused).toBe(403);
  });

  it("leaves a channel on unsubscribe and stops delivering to it", async () => {
    const token = await memberToken(orgA);
    const got: unknown[] = [];
    const c = client(async () => token);
    const channel = c
      .channel(`job:${jobA}`, { config: { private: true } })
      .on("broadcast", { event: "after-leave" }, (m) => got.push(m.payload));
    await subscribed(channel);
    expect(await channel.unsubscribe()).toBe("ok");
    await db.sql`select realtime.send(${db.sql.json({ late: true })}, 'after-leave', ${`job:${jobA}`}, true)`;
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
  });

  it("authorizes a token the api signed with its ES256 key, verified through the api's JWKS (the hosted setup)", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const signer = await createTokenSigner({
      kind: "es256",
      privateJwk: await exportJWK(privateKey),
      kid: "api-1",
    });
    const jwks = createServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(await signer.jwks()));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/auth/jwks`;
    const es = await startRealtimeStandIn({
      dbUrl: db.url,
      jwt: { jwksUrl },
      apiKeys: ["sb_publishable_test"],
    });
    try {
      const token = await signer.sign({ role: "authenticated", ...orgA.admin }, 300);
      const c = createClient(es.url, "sb_publishable_test", {
        accessToken: async () => token,
        realtime: { transport: WebSocket as never },
      });
      clients.push(c);
      await expect(subscribed(c.channel(`job:${jobA}`, { config: { private: true } }))).resolves.toBe(
        "SUBSCRIBED",
      );
      const forged = await memberToken(orgA); // HS256: this Realtime trusts only the JWKS
      const d = createClient(es.url, "sb_publishable_test", {
        accessToken: async () => forged,
        realtime: { transport: WebSocket as never },
      });
      clients.push(d);
      await expect(subscribed(d.channel(`job:${jobA}`, { config: { private: true } }))).rejects.toThrow(
        /Failed to validate JWT signature/,
      );
    } finally {
      for (const c of clients.splice(-2)) await c.removeAllChannels();
      await es.close();
      await new Promise<void>((r) => jwks.close(() => r()));
    }
  });
});
