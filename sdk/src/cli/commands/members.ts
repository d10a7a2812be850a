/** ow members ls | add | rm | role: the organization's people (Supabase Auth users). */
import type { Member, OpenWeights } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import { type Command, EXIT, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { makeClient, printJson, printTable } from "../context.ts";

const ROLES = ["admin", "member"] as const;
type Role = (typeof ROLES)[number];

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new UsageError(`<role> must be one of ${ROLES.join(", ")}, got "${value}"`);
  return value as Role;
}

/** A member by user id or email (case-insensitive). */
async function findMember(client: OpenWeights, ref: string): Promise<Member> {
  const members: Member[] = [];
  for await (const m of client.organization.members.list()) members.push(m);
  const found = members.find((m) => m.user_id === ref || m.email?.toLowerCase() === ref.toLowerCase());
  if (!found) throw new UsageError(`no member "${ref}"; \`ow members ls\` lists them`);
  return found;
}

export const membersList: Command = {
  path: ["members", "ls"],
  summary: "list the organization's members",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const members: Member[] = [];
    for await (const m of makeClient().organization.members.list()) members.push(m);
    if (parsed.flags.json) printJson(io, members);
    else
      printTable(
        io,
        ["EMAIL", "ROLE", "USER ID", "ADDED"],
        members.map((m) => [m.email ?? "-", m.role, m.user_id, m.created_at]),
      );
    return EXIT.ok;
  },
};

export const membersAdd: Command = {
  path: ["members", "add"],
  summary: "add a signed-up user by email (admins)",
  args: "<email>",
  flags: { role: { type: "string", choices: ROLES, description: "admin or member (default member)" } },
  async run(parsed, io) {
    const email = positional(parsed, 0, "email");
    noExtraPositionals(parsed, 1);
    const member = await makeClient().organization.members.add({
      email,
      role: role(stringFlag(parsed, "role") ?? "member"),
    });
    if (parsed.flags.json) printJson(io, member);
    else io.stdout.write(`added ${member.email ?? email} as ${member.role}\n`);
    return EXIT.ok;
  },
};

export const membersRemove: Command = {
  path: ["members", "rm"],
  summary: "remove a member by email or user id (admins)",
  args: "<email|user-id>",
  flags: {},
  async run(parsed, io) {
    const ref = positional(parsed, 0, "email|user-id");
    noExtraPositionals(parsed, 1);
    const client = makeClient();
    const member = await findMember(client, ref);
    await client.organization.members.remove(member.user_id);
    if (parsed.flags.json) printJson(io, { user_id: member.user_id, removed: true });
    else io.stdout.write(`removed ${member.email ?? member.user_id}\n`);
    return EXIT.ok;
  },
};

export const membersRole: Command = {
  path: ["members", "role"],
  summary: "change a member's role (admins)",
  args: "<email|user-id> <admin|member>",
  flags: {},
  async run(parsed, io) {
    const ref = positional(parsed, 0, "email|user-id");
    const newRole = role(positional(parsed, 1, "role"));
    noExtraPositionals(parsed, 2);
    const client = makeClient();
    const member = await findMember(client, ref);
    const updated = await client.organization.members.update(member.user_id, { role: newRole });
    if (parsed.flags.json) printJson(io, { ...updated, email: member.email });
    else io.stdout.write(`${member.email ?? member.user_id} is now ${updated.role}\n`);
    return EXIT.ok;
  },
};
