/** secrets set | ls | rm | import, workers ls | shutdown, and `ow worker`. */
import { readFileSync } from "node:fs";
import * as util from "node:util";
import { SecretName, WorkerStatus } from "@contract";
import { UsageError } from "../args.ts";
import { type Command, EXIT, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { collect, makeClient, printJson, printTable, readAllStdin } from "../context.ts";

function secretName(value: string): string {
  if (!SecretName.safeParse(value).success)
    throw new UsageError(`secret name "${value}" must look like an env variable (A-Z, 0-9, _)`);
  return value;
}

/**
 * The KEY=VALUE pairs of a .env file, read by Node's own dotenv parser (`util.parseEnv`, Node
 * >= 20.12): quoted values may span lines (a PEM key), `export ` prefixes and `#` comments follow
 * dotenv's rules. Imported as a namespace so the rest of the CLI still loads on an older Node 20.
 */
export function parseDotEnv(text: string): [string, string][] {
  if (typeof util.parseEnv !== "function")
    throw new UsageError(`reading a .env file needs Node >= 20.12 (this is ${process.version})`);
  return Object.entries(util.parseEnv(text)).map(([name, value]) => [name, value ?? ""]);
}

export const secretsSet: Command = {
  path: ["secrets", "set"],
  summary: "set a secret (value from the argument, else stdin)",
  args: "<NAME> [value]",
  flags: {},
  async run(parsed, io) {
    const name = secretName(positional(parsed, 0, "NAME"));
    noExtraPositionals(parsed, 2);
    const value = parsed.positionals[1] ?? (await readAllStdin(io)).replace(/\r?\n$/, "");
    if (!value) throw new UsageError("missing secret value (argument or stdin)");
    const secret = await makeClient().secrets.set(name, value);
    if (parsed.flags.json) printJson(io, secret);
    else io.stderr.write(`Set ${secret.name}\n`);
    return EXIT.ok;
  },
};

export const secretsList: Command = {
  path: ["secrets", "ls"],
  summary: "list secret names (values are never shown)",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const secrets = await collect(makeClient().secrets.list(), 10_000);
    if (parsed.flags.json) printJson(io, secrets);
    else
      printTable(
        io,
        ["NAME", "UPDATED"],
        secrets.map((s) => [s.name, s.updated_at]),
      );
    return EXIT.ok;
  },
};

export const secretsRemove: Command = {
  path: ["secrets", "rm"],
  summary: "delete a secret",
  args: "<NAME>",
  flags: {},
  async run(parsed, io) {
    const name = secretName(positional(parsed, 0, "NAME"));
    noExtraPositionals(parsed, 1);
    await makeClient().secrets.delete(name);
    if (parsed.flags.json) printJson(io, { name, deleted: true });
    else io.stderr.write(`Deleted ${name}\n`);
    return EXIT.ok;
  },
};

export const secretsImport: Command = {
  path: ["secrets", "import"],
  summary: "set every KEY=VALUE of a .env file as a secret",
  args: "<.env file>",
  flags: { yes: { type: "boolean", short: "y", description: "do not print the warning pause" } },
  async run(parsed, io) {
    const path = positional(parsed, 0, ".env file");
    noExtraPositionals(parsed, 1);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new UsageError(`cannot read ${path}`);
    }
    const pairs = parseDotEnv(text);
    for (const [name] of pairs) secretName(name);
    const client = makeClient();
    for (const [name, value] of pairs) await client.secrets.set(name, value);
    if (parsed.flags.json)
      printJson(
        io,
        pairs.map(([name]) => name),
      );
    else io.stderr.write(`Imported ${pairs.length} secret(s): ${pairs.map(([n]) => n).join(", ")}\n`);
    return EXIT.ok;
  },
};

export const workersList: Command = {
  path: ["workers", "ls"],
  summary: "list workers",
  flags: { status: { type: "string", choices: WorkerStatus.options, description: "only this status" } },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const workers = await collect(
      makeClient().workers.list({ status: WorkerStatus.optional().parse(stringFlag(parsed, "status")) }),
      10_000,
    );
    if (parsed.flags.json) printJson(io, workers);
    else {
      const rows = workers.map((w) => [
        w.id,
        w.status,
        w.provider,
        w.gpu_type ?? "-",
        String(w.gpu_count),
        w.last_heartbeat_at ?? "-",
      ]);
      printTable(io, ["ID", "STATUS", "PROVIDER", "GPU", "GPUS", "LAST HEARTBEAT"], rows);
    }
    return EXIT.ok;
  },
};

export const workersShutdown: Command = {
  path: ["workers", "shutdown"],
  summary: "ask a worker to finish and stop",
  args: "<worker-id>",
  flags: {},
  async run(parsed, io) {
    const id = positional(parsed, 0, "worker-id");
    noExtraPositionals(parsed, 1);
    const worker = await makeClient().workers.shutdown(id);
    if (parsed.flags.json) printJson(io, worker);
    else io.stderr.write(`Shutdown requested for ${worker.id}\n`);
    return EXIT.ok;
  },
};

export const WORKER_PACKAGE = "@openweights/worker";

export const worker: Command = {
  path: ["worker"],
  summary: `run a worker on this machine (needs ${WORKER_PACKAGE})`,
  args: "[worker flags…]",
  passthrough: true,
  flags: {},
  async run(parsed, io) {
    let mod: { runWorkerCli?: (argv: string[]) => Promise<number> };
    try {
      mod = (await import(/* @vite-ignore */ WORKER_PACKAGE)) as typeof mod;
    } catch {
      io.stderr.write(
        `The worker is a separate package. Install it next to openweights:\n  npm install ${WORKER_PACKAGE}\n(until it is published: \`npm pack ./worker\` in a checkout, then npm install the .tgz), or run its own bin: ow-worker\n`,
      );
      return EXIT.failed;
    }
    if (typeof mod.runWorkerCli !== "function") {
      io.stderr.write(`${WORKER_PACKAGE} does not export runWorkerCli; update it.\n`);
      return EXIT.failed;
    }
    return mod.runWorkerCli(parsed.positionals);
  },
};
