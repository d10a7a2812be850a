// Standalone Realtime stand-in: `OW_REALTIME_DB_URL=postgresql://… OW_REALTIME_JWT_SECRET=…
// npx tsx scripts/realtime/main.ts`. Prints the URL to give supabase-js as its project URL.
// Optional: OW_REALTIME_JWKS_URL (asymmetric signing keys), OW_REALTIME_API_KEYS (comma-separated
// opaque sb_… keys), OW_REALTIME_PORT (default: an ephemeral port). Stops on SIGINT/SIGTERM.
import process from "node:process";
import { startRealtimeStandIn } from "./server.ts";

const dbUrl = process.env.OW_REALTIME_DB_URL;
const secret = process.env.OW_REALTIME_JWT_SECRET;
const jwksUrl = process.env.OW_REALTIME_JWKS_URL;
if (!dbUrl || (!secret && !jwksUrl)) {
  console.error("set OW_REALTIME_DB_URL and OW_REALTIME_JWT_SECRET (or OW_REALTIME_JWKS_URL)");
  process.exit(2);
}
const port = Number(process.env.OW_REALTIME_PORT ?? "0");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`OW_REALTIME_PORT must be a port number, got ${process.env.OW_REALTIME_PORT}`);
  process.exit(2);
}
const apiKeys = (process.env.OW_REALTIME_API_KEYS ?? "").split(",").filter((k) => k.length > 0);

const server = await startRealtimeStandIn({
  dbUrl,
  port,
  jwt: { hs256Secret: secret, jwksUrl },
  apiKeys,
  log: (line) => console.error(line),
});
console.log(`realtime stand-in listening: url=${server.url} websocket=${server.url}/realtime/v1/websocket`);

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
