/** login / logout / whoami. */
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { DEFAULT_BASE_URL, OpenWeights } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import { type Command, EXIT, noExtraPositionals, stringFlag } from "../command.ts";
import { type Io, makeClient, printJson, printTable, readAllStdin } from "../context.ts";
import { credentialsPath, deleteCredentials, readCredentials, rememberOrganization } from "../credentials.ts";

/** From a pipe: all of stdin. At a terminal: one line, not echoed (a token on screen is a leaked token). */
async function askToken(io: Io): Promise<string> {
  if (!io.stdin.isTTY) return (await readAllStdin(io)).trim();
  io.stderr.write("API token (ow_…, not shown): ");
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: io.stdin, output: muted, terminal: true });
  try {
    return (await rl.question("")).trim();
  } finally {
    rl.close();
    io.stderr.write("\n");
  }
}

export const login: Command = {
  path: ["login"],
  summary: "store an API token (read from --token, else stdin) after checking it works",
  flags: {
    token: { type: "string", description: "the ow_… token (default: read from stdin)" },
    "api-url": {
      type: "string",
      placeholder: "url",
      description: `functions base URL (default ${DEFAULT_BASE_URL})`,
    },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const token = stringFlag(parsed, "token") ?? (await askToken(io));
    if (!token) throw new UsageError("--token is required (or pipe the token on stdin)");
    const baseURL =
      stringFlag(parsed, "api-url") ?? process.env.OPENWEIGHTS_API_URL ?? readCredentials()?.base_url;
    if (baseURL !== undefined && !/^https?:\/\/\S+$/.test(baseURL))
      throw new UsageError("--api-url must be an http(s) URL");
    const me = await new OpenWeights({ apiKey: token, baseURL }).me();
    const path = rememberOrganization(
      me.organization.id,
      { name: me.organization.name, api_key: token, ...(baseURL ? { base_url: baseURL } : {}) },
      true,
    );
    if (parsed.flags.json) printJson(io, { ...me, credentials_path: path });
    else io.stdout.write(`Logged in to ${me.organization.name} as ${me.role}. Token saved to ${path}\n`);
    return EXIT.ok;
  },
};

export const logout: Command = {
  path: ["logout"],
  summary: "forget the stored token",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const existed = deleteCredentials();
    if (parsed.flags.json) printJson(io, { logged_out: existed, credentials_path: credentialsPath() });
    else io.stderr.write(existed ? `Removed ${credentialsPath()}\n` : "Not logged in.\n");
    return EXIT.ok;
  },
};

export const whoami: Command = {
  path: ["whoami"],
  summary: "show the organization and role behind the current token",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const client = makeClient();
    const me = await client.me();
    if (parsed.flags.json) printJson(io, { ...me, api_url: client.baseURL });
    else {
      printTable(
        io,
        ["ORGANIZATION", "ORG ID", "ROLE", "API"],
        [[me.organization.name, me.organization.id, me.role, client.baseURL]],
      );
    }
    return EXIT.ok;
  },
};
