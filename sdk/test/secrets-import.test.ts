// `ow secrets import <.env>` reads the file with Node's own dotenv parser (node:util parseEnv):
// quoted values may span lines (a PEM key), `export ` prefixes and comments are dotenv's rules.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess as runCli } from "./support/cli-in-process.ts";
import { type HttpDouble, startHttpDouble } from "./support/http-double.ts";

let api: HttpDouble;
let dir: string;
const received: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ow-secrets-import-"));
  api = await startHttpDouble();
  for (const name of ["PLAIN", "EXPORTED", "PEM", "HASHED", "SINGLE", "ESCAPED"]) {
    api.routes[`PUT /api/secrets/${name}`] = (req) => {
      received[name] = (JSON.parse(req.body.toString()) as { value: string }).value;
      return { json: { name, member_usable: false, created_at: "t", updated_at: "t" } };
    };
  }
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ OPENWEIGHTS_API_URL: api.url, OPENWEIGHTS_API_KEY: "test-jwt" });
const PEM =
  "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----";

describe("ow secrets import", () => {
  it("sets every value of a .env file, a multi-line quoted value whole", async () => {
    const file = join(dir, "all.env");
    writeFileSync(
      file,
      [
        "# deploy keys",
        "PLAIN=abc123",
        "export EXPORTED=from-a-shell-script",
        `PEM="${PEM}"`,
        "HASHED=value # a comment",
        "SINGLE='keeps # and $HOME literally'",
        'ESCAPED="one\\ntwo"',
        "",
      ].join("\n"),
    );
    const out = await runCli(["secrets", "import", file], { env: env() });
    expect(out.stderr).toContain("Imported 6 secret(s)");
    expect(out.code).toBe(0);
    expect(received).toEqual({
      PLAIN: "abc123",
      EXPORTED: "from-a-shell-script",
      PEM,
      HASHED: "value",
      SINGLE: "keeps # and $HOME literally",
      ESCAPED: "one\ntwo",
    });
  });

  it("refuses a name that is not an env variable name, setting nothing", async () => {
    const file = join(dir, "bad.env");
    writeFileSync(file, "GOOD=1\nlower-case=2\n");
    const before = api.requests.length;
    const out = await runCli(["secrets", "import", file], { env: env() });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('secret name "lower-case"');
    expect(api.requests.slice(before).filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("names the file it cannot read", async () => {
    const out = await runCli(["secrets", "import", join(dir, "missing.env")], { env: env() });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("missing.env");
  });
});
