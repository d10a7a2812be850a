// Command-line flags are another way to set the same variables: they are folded into the env
// record before the one zod parse, so a bad flag is reported like a bad variable.
import { type ParseArgsConfig, parseArgs } from "node:util";

export const FLAG_TO_ENV: Record<string, string> = {
  "--api-url": "OPENWEIGHTS_API_URL",
  "--token": "OPENWEIGHTS_WORKER_TOKEN",
  "--worker-id": "OW_WORKER_ID",
  "--image": "OW_WORKER_IMAGE",
  "--executor": "OW_EXECUTOR",
  "--work-dir": "OW_WORK_DIR",
  "--ttl-hours": "OW_TTL_HOURS",
  "--log-level": "OW_LOG_LEVEL",
};

export const USAGE = `Usage: ow-worker [options]

Claims and runs OpenWeights jobs until stopped (SIGTERM/SIGINT), retired or past its TTL.

Options (each overrides the environment variable in brackets):
  --api-url URL        functions base URL, e.g. http://127.0.0.1:54321/functions/v1 [OPENWEIGHTS_API_URL]
  --token TOKEN        worker-role API token; on a command line every process can read it, so
                       prefer the variable, or a file read once and deleted [OPENWEIGHTS_WORKER_TOKEN,
                       OPENWEIGHTS_WORKER_TOKEN_FILE]
  --worker-id ID       the id this worker was created under [OW_WORKER_ID]
  --image NAME         image name to claim jobs for [OW_WORKER_IMAGE]
  --executor KIND      process (default) or docker [OW_EXECUTOR]
  --work-dir DIR       parent of the per-run working directories [OW_WORK_DIR]
  --ttl-hours H        stop claiming after H hours; 0 = never [OW_TTL_HOURS]
  --log-level LEVEL    debug | info | warn | error [OW_LOG_LEVEL]
  -h, --help           show this help

Intervals (ms): OW_CLAIM_WAIT_MS, OW_HEARTBEAT_MS, OW_LEASE_MS, OW_CANCEL_GRACE_MS,
OW_SHUTDOWN_GRACE_MS, OW_LOG_FLUSH_MS, OW_EVENTS_POLL_MS, OW_FINAL_FLUSH_MS.
`;

export type CliArgs = { help: true } | { help: false; env: Record<string, string>; problems: string[] };

const OPTIONS: ParseArgsConfig["options"] = {
  help: { type: "boolean", short: "h" },
  ...Object.fromEntries(Object.keys(FLAG_TO_ENV).map((flag) => [flag.slice(2), { type: "string" as const }])),
};

/**
 * Node's own parser (`util.parseArgs`) splits the flags (`--flag value`, `--flag=value`, `-h`, `--`);
 * it runs non-strict and every token is checked here, so all problems are reported at once.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") problems.push(`unexpected argument ${token.value}`);
    if (token.kind !== "option") continue;
    if (token.name === "help") return { help: true };
    const target = FLAG_TO_ENV[`--${token.name}`];
    if (target === undefined) problems.push(`unknown option ${token.rawName}`);
    else if (token.value === undefined) problems.push(`${token.rawName} needs a value`);
    else env[target] = token.value;
  }
  return { help: false, env, problems };
}
