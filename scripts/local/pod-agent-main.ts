// Standalone pod agent for the local stack:
//   OW_POD_AGENT_TOKEN=<≥16 chars> OW_WORKER_COMMAND='["node","worker/dist/main.js"]' \
//     npx tsx scripts/local/pod-agent-main.ts
// Optional: OW_POD_AGENT_PORT (default ephemeral), OW_WORKER_LOG_DIR (worker output files instead of
// this terminal), OW_WORKER_GRACE_MS (SIGTERM → SIGKILL, default 10000), OW_POD_AGENT_LEDGER (a file
// noting its workers, so the next agent ends those a crash of this one left running).
// Prints its URL; on SIGINT/SIGTERM it stops every worker before exiting.
import { startPodAgent } from "./pod-agent.ts";
import { createCommandSpawner } from "./worker-process.ts";

function fail(message: string): never {
  console.error(`pod agent: ${message}`);
  process.exit(2);
}

function parseCommand(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === "")
    fail('OW_WORKER_COMMAND must be set, e.g. \'["node","worker/dist/main.js"]\'');
  const trimmed = raw.trim();
  if (!trimmed.startsWith("[")) return trimmed.split(/\s+/);
  const parsed: unknown = JSON.parse(trimmed);
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) {
    fail("OW_WORKER_COMMAND must be a JSON array of strings");
  }
  return parsed as string[];
}

const token = process.env.OW_POD_AGENT_TOKEN ?? fail("OW_POD_AGENT_TOKEN must be set");
const port = Number(process.env.OW_POD_AGENT_PORT ?? "0");
if (!Number.isInteger(port) || port < 0 || port > 65535) fail("OW_POD_AGENT_PORT must be a port number");
const graceMs = Number(process.env.OW_WORKER_GRACE_MS ?? "10000");
if (!Number.isFinite(graceMs) || graceMs < 0) fail("OW_WORKER_GRACE_MS must be a number of milliseconds");
const logDir = process.env.OW_WORKER_LOG_DIR;

const agent = await startPodAgent({
  token,
  port,
  terminateGraceMs: graceMs,
  ledgerFile: process.env.OW_POD_AGENT_LEDGER || undefined,
  spawnWorker: createCommandSpawner({
    command: parseCommand(process.env.OW_WORKER_COMMAND),
    output: logDir ? { dir: logDir } : "inherit",
  }),
});
console.log(`pod agent listening: ${agent.url}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  agent.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("pod agent: shutdown failed", error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
