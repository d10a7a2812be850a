import { describe, expect, it } from "vitest";
import { useCliDouble } from "./support/cli-double.ts";
import { runCliInProcess as ow } from "./support/cli-in-process.ts";
import { jobBody, ORG_ID } from "./support/fake-fetch.ts";

const cli = useCliDouble("ow-cli-scripting-");
const env = cli.env;
const page = (data: unknown[]) => ({ json: { object: "list", data, next_cursor: null } });
const token = (id: string, prefix: string, revoked: string | null = null) => ({
  id,
  organization_id: ORG_ID,
  name: `t-${prefix}`,
  prefix,
  role: "member",
  worker_id: null,
  created_at: "2026-01-01T00:00:00Z",
  expires_at: null,
  revoked_at: revoked,
  last_used_at: null,
});

describe("ow for people and scripts", () => {
  it("suggests the command meant by a typo", async () => {
    const typo = await ow(["jbos", "ls"], { env: env() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean `ow jobs ls`?");
    const far = await ow(["frobnicate"], { env: env() });
    expect(far.stderr).not.toContain("Did you mean");
  });

  it("prints completion scripts whose words come from the command table", async () => {
    const bash = await ow(["completion", "bash"], { env: env() });
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain("complete -o default -F _ow_complete ow");
    expect((await ow(["completion", "zsh"], { env: env() })).stdout).toContain("bashcompinit");
    expect((await ow(["completion", "fish"], { env: env() })).code).toBe(2);
    const sub = await ow(["__complete", "jobs"], { env: env() });
    expect(sub.stdout.split("\n").filter(Boolean)).toEqual([
      "cancel",
      "download",
      "get",
      "ls",
      "restart",
      "wait",
    ]);
    const flags = (await ow(["__complete", "exec"], { env: env() })).stdout.split("\n");
    expect(flags).toContain("--max-attempts");
    expect(flags).toContain("--json");
    expect((await ow(["--help"], { env: env() })).stdout).not.toContain("__complete");
  });

  it("colours statuses at a terminal only, and never under NO_COLOR", async () => {
    cli.api.routes["GET /api/jobs"] = () =>
      page([
        jobBody({ id: "a-000000000001", status: "failed" }),
        jobBody({ id: "a-000000000002", status: "pending", waiting_reason: "waiting: at the worker cap" }),
      ]);
    const tty = await ow(["ls"], { env: env({ NO_COLOR: undefined }), tty: true });
    expect(tty.stdout).toContain("\u001b[31mfailed");
    expect(tty.stdout).toContain("waiting: at the worker cap");
    const noColor = await ow(["ls"], { env: env({ NO_COLOR: "1" }), tty: true });
    expect(noColor.stdout).not.toContain("\u001b[");
    const piped = await ow(["ls"], { env: env({ NO_COLOR: undefined }) });
    expect(piped.stdout).not.toContain("\u001b[");
    expect(piped.stdout).toMatch(/a-000000000001 {2}failed {2}/);
  });

  it("reads the token for ow login without echoing it at a terminal", async () => {
    const secret = "secret-jwt-typed-at-a-terminal";
    cli.api.routes["GET /api/me"] = () => ({
      json: {
        organization: { id: ORG_ID, name: "acme", created_at: "t" },
        token_id: null,
        role: "admin",
        user_id: null,
      },
    });
    const login = await ow(["login"], {
      env: env({ OPENWEIGHTS_API_KEY: undefined }),
      input: `${secret}\n`,
      tty: true,
    });
    expect({ code: login.code, stderr: login.stderr }).toEqual({
      code: 0,
      stderr: "API token (ow_…, not shown): \n",
    });
    expect(login.stderr + login.stdout).not.toContain(secret);
    expect(cli.api.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it("revokes a token by the prefix ow token ls shows, refusing an unknown or ambiguous one", async () => {
    const a = "00000000-0000-4000-8000-00000000000a";
    cli.api.routes["GET /api/tokens"] = () =>
      page([
        token(a, "ow_AbCd"),
        token("00000000-0000-4000-8000-00000000000b", "ow_Dupe"),
        token("00000000-0000-4000-8000-00000000000c", "ow_Dupe"),
        token("00000000-0000-4000-8000-00000000000d", "ow_Gone", "2026-01-02T00:00:00Z"),
      ]);
    let revoked = "";
    cli.api.routes[`DELETE /api/tokens/${a}`] = (req) => {
      revoked = req.path;
      return { json: token(a, "ow_AbCd", "2026-01-03T00:00:00Z") };
    };
    const byPrefix = await ow(["token", "revoke", "ow_AbCd…", "--yes"], { env: env() });
    expect(byPrefix.code).toBe(0);
    expect(revoked).toBe(`/api/tokens/${a}`);
    const ambiguous = await ow(["token", "revoke", "ow_Dupe", "--yes"], { env: env() });
    expect(ambiguous).toMatchObject({ code: 2 });
    expect(ambiguous.stderr).toContain("share the prefix");
    expect((await ow(["token", "revoke", "ow_Gone", "--yes"], { env: env() })).code).toBe(2);
  });

  it("restart leaves a completed job alone unless --force", async () => {
    let restarted = 0;
    cli.api.routes["GET /api/jobs/a-000000000001"] = () => ({
      json: jobBody({ id: "a-000000000001", status: "completed" }),
    });
    cli.api.routes["POST /api/jobs/a-000000000001/restart"] = () => {
      restarted++;
      return { json: jobBody({ id: "a-000000000001", status: "pending" }) };
    };
    const refused = await ow(["jobs", "restart", "a-000000000001"], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--force");
    expect(restarted).toBe(0);
    const forced = await ow(["jobs", "restart", "--force", "a-000000000001"], { env: env() });
    expect(forced).toMatchObject({ code: 0, stdout: "a-000000000001\tpending\n" });
    expect(restarted).toBe(1);
  });
});
