/** ow org ls | create | switch | limits | usage: organizations, their caps and their spend. */
import { UsageError } from "../args.ts";
import { type Command, EXIT, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { type Io, makeClient, printJson, printTable } from "../context.ts";
import {
  findStoredOrganization,
  readCredentials,
  rememberOrganization,
  writeCredentials,
} from "../credentials.ts";

const usd = (n: number | null) => (n === null ? "none" : `$${n.toFixed(2)}`);

export const orgList: Command = {
  path: ["org", "ls"],
  summary: "list the organizations you have tokens for (* = default)",
  flags: {},
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const stored = readCredentials();
    const rows = Object.entries(stored?.organizations ?? {}).map(([id, o]) => ({
      id,
      name: o.name,
      default: id === stored?.default_org,
    }));
    // The current credential's view (a signed-in user's memberships, or the token's organization).
    const current = await makeClient().organizations.list();
    for (const o of current)
      if (!rows.some((r) => r.id === o.id)) rows.push({ id: o.id, name: o.name, default: rows.length === 0 });
    if (parsed.flags.json) printJson(io, rows);
    else
      printTable(
        io,
        ["", "NAME", "ID"],
        rows.map((r) => [r.default ? "*" : "", r.name, r.id]),
      );
    return EXIT.ok;
  },
};

export const orgCreate: Command = {
  path: ["org", "create"],
  summary: "create an organization (admins); its admin token is stored, --switch makes it the default",
  args: "<name>",
  flags: { switch: { type: "boolean", description: "make it the default organization" } },
  async run(parsed, io) {
    const name = positional(parsed, 0, "name");
    noExtraPositionals(parsed, 1);
    const client = makeClient();
    const created = await client.organizations.create({ name });
    const baseUrl = client.baseURL;
    rememberOrganization(
      created.organization.id,
      { name: created.organization.name, api_key: created.token.token, base_url: baseUrl },
      parsed.flags.switch === true,
    );
    if (parsed.flags.json) printJson(io, created.organization);
    else
      io.stdout.write(
        `Created ${created.organization.name} (${created.organization.id}); its admin token is stored.${
          parsed.flags.switch
            ? " It is now the default."
            : ` Use it with --org ${created.organization.id} or \`ow org switch\`.`
        }\n`,
      );
    return EXIT.ok;
  },
};

export const orgSwitch: Command = {
  path: ["org", "switch"],
  summary: "make a stored organization (id or name) the default",
  args: "<org>",
  flags: {},
  async run(parsed, io) {
    const ref = positional(parsed, 0, "org");
    noExtraPositionals(parsed, 1);
    const found = findStoredOrganization(ref);
    if ("error" in found) throw new UsageError(found.error);
    const stored = readCredentials()!;
    writeCredentials({
      ...stored,
      api_key: found.org.api_key,
      ...(found.org.base_url ? { base_url: found.org.base_url } : {}),
      default_org: found.id,
    });
    if (parsed.flags.json) printJson(io, { id: found.id, name: found.org.name });
    else io.stdout.write(`Default organization: ${found.org.name} (${found.id})\n`);
    return EXIT.ok;
  },
};

/** "12.5" → 12.5, "none" → null (no cap); anything else names the flag. */
function usdFlag(parsed: { flags: Record<string, unknown> }, name: string): number | null | undefined {
  const raw = parsed.flags[name] as string | undefined;
  if (raw === undefined) return undefined;
  if (raw === "none") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(raw))
    throw new UsageError(`--${name} must be dollars like 12.50, or none, got "${raw}"`);
  return Number(raw);
}

export const orgLimits: Command = {
  path: ["org", "limits"],
  summary: "show the worker cap and dollar budgets; with flags, change them (admins)",
  flags: {
    "max-workers": { type: "int", min: 0, placeholder: "n", description: "most workers at once" },
    "max-hourly-usd": {
      type: "string",
      placeholder: "usd|none",
      description: "most spend per hour (burn rate)",
    },
    "max-daily-usd": { type: "string", placeholder: "usd|none", description: "most spend per UTC day" },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const change = {
      max_workers: parsed.flags["max-workers"] as number | undefined,
      max_hourly_usd: usdFlag(parsed, "max-hourly-usd"),
      max_daily_usd: usdFlag(parsed, "max-daily-usd"),
    };
    const update = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    const client = makeClient();
    const limits =
      Object.keys(update).length > 0 ? await client.limits.update(update) : await client.limits.retrieve();
    if (parsed.flags.json) printJson(io, limits);
    else
      writeRows(io, [
        ["max workers", String(limits.max_workers)],
        ["max per hour", usd(limits.max_hourly_usd)],
        ["max per day", usd(limits.max_daily_usd)],
        ["paused until", limits.provisioning_paused_until ?? "-"],
      ]);
    return EXIT.ok;
  },
};

export const orgUsage: Command = {
  path: ["org", "usage"],
  summary: "spend now (per hour), in the last hour and today, and per job",
  flags: {
    job: { type: "string", placeholder: "job-id", description: "only this job (all its runs)" },
    since: {
      type: "string",
      placeholder: "iso-time",
      description: "per-job spend since (default UTC midnight)",
    },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const usage = await makeClient().usage.retrieve({
      ...(stringFlag(parsed, "job") ? { job_id: stringFlag(parsed, "job") } : {}),
      ...(stringFlag(parsed, "since") ? { since: stringFlag(parsed, "since") } : {}),
    });
    if (parsed.flags.json) {
      printJson(io, usage);
      return EXIT.ok;
    }
    writeRows(io, [
      ["live workers", `${usage.live_workers} (max ${usage.max_workers})`],
      ["burn", `${usd(usage.burn_usd_per_hour)}/h (max ${usd(usage.max_hourly_usd)})`],
      ["last hour", usd(usage.spent_last_hour_usd)],
      ["today (UTC)", `${usd(usage.spent_today_usd)} (max ${usd(usage.max_daily_usd)})`],
    ]);
    if (usage.jobs.length > 0) {
      io.stdout.write("\n");
      printTable(
        io,
        ["JOB", "RUNS", "RUN TIME", "SPENT"],
        usage.jobs.map((j) => [j.job_id, String(j.runs), `${Math.round(j.run_seconds)}s`, usd(j.spent_usd)]),
      );
    }
    return EXIT.ok;
  },
};

function writeRows(io: Io, rows: [string, string][]): void {
  io.stdout.write(rows.map(([k, v]) => `${k.padEnd(14)} ${v}\n`).join(""));
}
