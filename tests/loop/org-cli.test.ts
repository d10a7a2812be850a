// `ow org …` and `ow members …` against the real stack, per role, with the CLI's own config:
// caps and spend readable by everyone, changed by admins; creating and switching organizations;
// bad flags refused before any request (exit 2, the flag named).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../../sdk/test/support/cli-in-process.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let configDir: string;
let memberToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  configDir = mkdtempSync(join(tmpdir(), "ow-org-cli-"));
  const created = await client(stack.url, stack.adminToken)("POST", "/api/tokens", {
    name: "m",
    role: "member",
  });
  memberToken = created.body.token;
  await stack.db.sql`insert into auth.users (id, email) values
    ('00000000-0000-4000-8000-0000000000a1', 'ada@example.com'),
    ('00000000-0000-4000-8000-0000000000b1', 'bob@example.com')`;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

/** The CLI with only its config directory: the stored default organization decides. */
const ow = (args: string[], env: Record<string, string> = {}) =>
  runCliInProcess(args, {
    env: {
      OPENWEIGHTS_CONFIG_DIR: configDir,
      OPENWEIGHTS_API_URL: stack.url,
      OPENWEIGHTS_API_KEY: undefined as unknown as string,
      ...env,
    },
  });
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe("ow org and ow members", () => {
  it("reads and sets caps, shows spend, creates and switches organizations", {
    timeout: 120_000,
  }, async () => {
    expect((await ow(["login", "--token", stack.adminToken])).code).toBe(0);
    const set = await ow(["org", "limits", "--max-workers", "3", "--max-daily-usd", "50", "--json"]);
    expect(set.code).toBe(0);
    expect(json(set)).toMatchObject({ max_workers: 3, max_daily_usd: 50, max_hourly_usd: null });
    const shown = await ow(["org", "limits"]);
    expect(shown.stdout).toMatch(/max workers\s+3\n/);
    expect(shown.stdout).toMatch(/max per day\s+\$50\.00\n/);
    const usage = await ow(["org", "usage", "--json"]);
    expect(json(usage)).toMatchObject({ live_workers: 0, burn_usd_per_hour: 0, max_workers: 3, jobs: [] });

    // A member reads the caps but cannot change them: 403 → exit 3.
    const asMember = await ow(["org", "limits", "--max-workers", "9"], { OPENWEIGHTS_API_KEY: memberToken });
    expect(asMember.code).toBe(3);
    expect(asMember.stderr).toContain("forbidden");
    expect((await ow(["org", "limits", "--json"], { OPENWEIGHTS_API_KEY: memberToken })).code).toBe(0);

    const created = await ow(["org", "create", "research", "--switch", "--json"]);
    expect(created.code).toBe(0);
    const research = json(created) as { id: string };
    expect(json(await ow(["whoami", "--json"])).organization.id).toBe(research.id);
    // The new organization started with its creator's caps.
    expect(json(await ow(["org", "limits", "--json"]))).toMatchObject({ max_workers: 3, max_daily_usd: 50 });
    expect(json(await ow(["whoami", "--json", "--org", "test-org"])).organization.id).toBe(stack.orgId);
    const listed = json(await ow(["org", "ls", "--json"])) as { name: string; default: boolean }[];
    expect(listed.map((o) => `${o.name}${o.default ? "*" : ""}`).sort()).toEqual(["research*", "test-org"]);
    expect((await ow(["org", "switch", "test-org"])).code).toBe(0);
    expect(json(await ow(["whoami", "--json"])).organization.id).toBe(stack.orgId);
  });

  it("manages members by email", async () => {
    expect((await ow(["login", "--token", stack.adminToken])).code).toBe(0);
    const added = await ow(["members", "add", "ada@example.com", "--role", "admin"]);
    expect(added).toMatchObject({ code: 0, stdout: "added ada@example.com as admin\n" });
    // The last admin member stays: the server's rule, shown as the CLI's error (exit 1).
    const lastAdmin = await ow(["members", "role", "ada@example.com", "member"]);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain("at least one admin");
    expect((await ow(["members", "add", "bob@example.com", "--role", "admin"])).code).toBe(0);
    const role = await ow(["members", "role", "ADA@example.com", "member"]);
    expect(role.stderr).toBe("");
    expect(role.stdout).toBe("ada@example.com is now member\n");
    const listed = json(await ow(["members", "ls", "--json"])) as { email: string; role: string }[];
    expect(listed.map((m) => `${m.email} ${m.role}`)).toEqual([
      "ada@example.com member",
      "bob@example.com admin",
    ]);
    const asMember = await ow(["members", "rm", "ada@example.com"], { OPENWEIGHTS_API_KEY: memberToken });
    expect(asMember.code).toBe(3);
    expect((await ow(["members", "rm", "ada@example.com"])).code).toBe(0);
    const left = json(await ow(["members", "ls", "--json"])) as { email: string }[];
    expect(left.map((m) => m.email)).toEqual(["bob@example.com"]);
  });

  it("refuses bad flags and unknown organizations before any request", async () => {
    for (const [args, named] of [
      [["org", "limits", "--max-hourly-usd", "ten"], "--max-hourly-usd"],
      [["org", "limits", "--max-daily-usd", "1.234"], "--max-daily-usd"],
      [["org", "limits", "--max-workers", "-1"], "--max-workers"],
      [["org", "switch", "nowhere"], "nowhere"],
      [["whoami", "--org", "nowhere"], "nowhere"],
      [["members", "add", "a@b.c", "--role", "owner"], "--role"],
      [["members", "role", "a@b.c", "owner"], "<role>"],
      [["org", "create"], "<name>"],
    ] as const) {
      const r = await ow([...args]);
      expect({ args, code: r.code, named: r.stderr.includes(named) }).toEqual({ args, code: 2, named: true });
    }
  });
});
