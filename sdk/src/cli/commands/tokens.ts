/** token ls | create | revoke. */

import type { OpenWeights } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import {
  type Command,
  EXIT,
  intFlag,
  noExtraPositionals,
  positional,
  requiredFlag,
  stringFlag,
} from "../command.ts";
import { collect, makeClient, printJson, printTable } from "../context.ts";

function tokenState(t: { revoked_at: string | null; expires_at: string | null }): string {
  if (t.revoked_at) return "revoked";
  if (t.expires_at && Date.parse(t.expires_at) < Date.now()) return "expired";
  if (!t.expires_at) return "active";
  const days = Math.ceil((Date.parse(t.expires_at) - Date.now()) / 86_400_000);
  return `active (${days}d left)`;
}

export const tokenList: Command = {
  path: ["token", "ls"],
  summary: "list API tokens",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const tokens = await collect(makeClient().tokens.list(), 10_000);
    if (parsed.flags.json) printJson(io, tokens);
    else {
      const rows = tokens.map((t) => [
        t.id,
        t.name,
        `${t.prefix}…`,
        t.role,
        t.created_at,
        t.last_used_at ?? "-",
        tokenState(t),
      ]);
      printTable(io, ["ID", "NAME", "PREFIX", "ROLE", "CREATED", "LAST USED", "STATUS"], rows);
    }
    return EXIT.ok;
  },
};

export const tokenCreate: Command = {
  path: ["token", "create"],
  summary: "create an API token and print its secret (shown once)",
  flags: {
    name: { type: "string", description: "a label for the token" },
    role: { type: "string", choices: ["admin", "member", "worker"], description: "role (default member)" },
    "expires-in-days": { type: "int", min: 1, placeholder: "days", description: "expiry in days" },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const created = await makeClient().tokens.create({
      name: requiredFlag(parsed, "name"),
      role: stringFlag(parsed, "role") as "admin" | "member" | "worker" | undefined,
      expires_in_days: intFlag(parsed, "expires-in-days"),
    });
    if (parsed.flags.json) printJson(io, created);
    else {
      io.stderr.write(
        `Created token ${created.name} (${created.id}). Store it now; it is not shown again:\n`,
      );
      io.stdout.write(`${created.token}\n`);
    }
    return EXIT.ok;
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one unrevoked token whose prefix is `ref` (as listed, with or without the trailing …). */
async function tokenIdByPrefix(client: OpenWeights, ref: string): Promise<string> {
  const prefix = ref.replace(/…$/, "");
  const tokens = await collect(client.tokens.list(), 10_000);
  const matches = tokens.filter((t) => !t.revoked_at && t.prefix === prefix);
  if (matches.length === 1) return matches[0]!.id;
  throw new UsageError(
    matches.length === 0
      ? `no active token with id or prefix "${ref}"; \`ow token ls\` lists them`
      : `${matches.length} active tokens share the prefix "${prefix}"; use the token id`,
  );
}

export const tokenRevoke: Command = {
  path: ["token", "revoke"],
  summary: "revoke a token by its id or the prefix `ow token ls` shows",
  args: "<token-id|prefix>",
  flags: { yes: { type: "boolean", short: "y", description: "do not ask for confirmation" } },
  async run(parsed, io) {
    const ref = positional(parsed, 0, "token-id|prefix");
    noExtraPositionals(parsed, 1);
    const client = makeClient();
    const id = UUID.test(ref) ? ref : await tokenIdByPrefix(client, ref);
    if (!parsed.flags.yes) {
      if (!io.stdin.isTTY) throw new UsageError("--yes is required when stdin is not a terminal");
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: io.stdin, output: io.stderr });
      const answer = await rl.question(`Revoke token ${id}? Type "yes": `);
      rl.close();
      if (answer.trim() !== "yes") {
        io.stderr.write("Not revoked.\n");
        return EXIT.failed;
      }
    }
    const token = await client.tokens.revoke(id);
    if (parsed.flags.json) printJson(io, token);
    else io.stderr.write(`Revoked ${token.name} (${token.id})\n`);
    return EXIT.ok;
  },
};
