// The --json sweep: every command, run with --json against an API that knows only `GET /api/me`
// (everything else answers 404), puts only JSON on stdout, and when it fails its last stderr
// line is a JSON error whose exit_code is the exit status. A new command without a row here
// fails the first test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { runCliInProcess as runCli } from "./support/cli-in-process.ts";
import { type HttpDouble, startHttpDouble } from "./support/http-double.ts";

let api: HttpDouble;
let home: string;
const env = () => ({
  OPENWEIGHTS_API_URL: api.url,
  OPENWEIGHTS_API_KEY: "test-jwt",
  OPENWEIGHTS_CONFIG_DIR: join(home, "config"),
});

/** One invocation per command (the words before the first argument are the command's path). */
const RUNS: { argv: string[]; input?: string }[] = [
  { argv: ["login"], input: "a-token\n" },
  { argv: ["whoami"] },
  { argv: ["logout"] },
  { argv: ["token", "ls"] },
  { argv: ["token", "create", "--name", "ci"] },
  { argv: ["token", "revoke", "ow_AbCd"] },
  { argv: ["files", "upload", "@FILE", "--purpose", "custom_job_file"] },
  { argv: ["files", "ls"] },
  { argv: ["files", "get", "custom_job_file:file-0123456789ab"] },
  { argv: ["files", "fetch", "custom_job_file:file-0123456789ab", "--output", "@OUT"] },
  { argv: ["fetch", "custom_job_file:file-0123456789ab"] },
  { argv: ["jobs", "ls"] },
  { argv: ["jobs", "get", "exec-0123456789ab"] },
  { argv: ["jobs", "cancel", "exec-0123456789ab"] },
  { argv: ["jobs", "restart", "exec-0123456789ab"] },
  { argv: ["jobs", "wait", "exec-0123456789ab"] },
  { argv: ["ls"] },
  { argv: ["cancel", "exec-0123456789ab"] },
  { argv: ["logs", "exec-0123456789ab"] },
  { argv: ["exec", "--vram", "0", "true"] },
  { argv: ["secrets", "set", "HF_TOKEN", "v"] },
  { argv: ["secrets", "ls"] },
  { argv: ["secrets", "rm", "HF_TOKEN"] },
  { argv: ["secrets", "import", "@ENVFILE"] },
  { argv: ["workers", "ls"] },
  { argv: ["workers", "shutdown", "w-1"] },
  { argv: ["workers", "logs", "w-1"] },
  { argv: ["org", "ls"] },
  { argv: ["org", "create", "research"] },
  { argv: ["org", "switch", "nowhere"] },
  { argv: ["org", "limits"] },
  { argv: ["org", "usage"] },
  { argv: ["members", "ls"] },
  { argv: ["members", "add", "a@example.com"] },
  { argv: ["members", "rm", "a@example.com"] },
  { argv: ["members", "role", "a@example.com", "admin"] },
  { argv: ["runs", "ls", "exec-0123456789ab"] },
  { argv: ["events", "exec-0123456789ab"] },
  { argv: ["jobs", "download", "exec-0123456789ab", "@OUT"] },
  { argv: ["completion", "bash"] },
];
// `ow worker` hands every argument to the worker package; `__complete` is completion's helper.
const NOT_JSON = new Set(["worker", "__complete"]);

function isJsonOutput(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return text
      .trim()
      .split("\n")
      .every((line) => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      });
  }
}

beforeAll(async () => {
  api = await startHttpDouble();
  home = mkdtempSync(join(tmpdir(), "ow-json-"));
  mkdirSync(join(home, "work"));
  writeFileSync(join(home, "work", "data.txt"), "hello\n");
  writeFileSync(join(home, "vars.env"), "HF_TOKEN=x\n");
});
afterAll(async () => {
  await api.close();
  rmSync(home, { recursive: true, force: true });
});

describe("--json on every command", () => {
  it("has a run for every command", () => {
    const covered = new Set(RUNS.map((r) => r.argv.join(" ")));
    const missing = COMMANDS.filter((c) => !NOT_JSON.has(c.path[0]!)).filter(
      (c) => ![...covered].some((argv) => `${argv} `.startsWith(`${c.path.join(" ")} `)),
    );
    expect(missing.map((c) => c.path.join(" "))).toEqual([]);
  });

  it("prints only JSON on stdout, and a failure as one JSON error line carrying the exit code", {
    timeout: 120_000,
  }, async () => {
    const problems: string[] = [];
    for (const run of RUNS) {
      const argv = run.argv.map((a) =>
        a === "@FILE"
          ? join(home, "work", "data.txt")
          : a === "@OUT"
            ? join(home, "out", run.argv[0]!)
            : a === "@ENVFILE"
              ? join(home, "vars.env")
              : a,
      );
      const words = argv.findIndex((a, i) => i > 0 && !/^[a-z]+$/.test(a));
      const at = run.argv[0] === "exec" ? 1 : words === -1 ? argv.length : words;
      argv.splice(at, 0, "--json");
      const result = await runCli(argv, { env: env(), cwd: join(home, "work"), input: run.input });
      const name = run.argv.slice(0, 2).join(" ");
      if (result.stdout !== "" && !isJsonOutput(result.stdout))
        problems.push(`${name}: stdout is not JSON: ${result.stdout.slice(0, 80)}`);
      if (result.code === 0 && result.stdout === "") problems.push(`${name}: exit 0 with nothing on stdout`);
      if (result.code !== 0 && result.stdout === "") {
        const last = result.stderr.trim().split("\n").at(-1) ?? "";
        let error: { exit_code?: number; message?: string } | undefined;
        try {
          error = (JSON.parse(last) as { error?: typeof error }).error;
        } catch {
          error = undefined;
        }
        if (error?.exit_code !== result.code || !error.message)
          problems.push(`${name}: exit ${result.code} without a JSON error: ${last.slice(0, 80)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("reports usage errors and unknown commands as JSON with exit code 2", async () => {
    const bad = await runCli(["jobs", "ls", "--json", "--limit", "x"], { env: env() });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toEqual({
      error: { exit_code: 2, code: "usage_error", message: '--limit must be an integer, got "x"' },
    });
    const unknown = await runCli(["jbos", "ls", "--json"], { env: env() });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr).error).toMatchObject({ exit_code: 2, did_you_mean: "jobs ls" });
    const api404 = await runCli(["jobs", "get", "--json", "exec-0123456789ab"], { env: env() });
    expect(api404.code).toBe(1);
    expect(JSON.parse(api404.stderr).error).toMatchObject({
      exit_code: 1,
      code: "not_found",
      status: 404,
      request_id: "req_double",
    });
    const noAuth = await runCli(["whoami", "--json"], {
      env: { ...env(), OPENWEIGHTS_API_KEY: undefined, OPENWEIGHTS_CONFIG_DIR: join(home, "none") },
    });
    expect(noAuth.code).toBe(3);
    expect(JSON.parse(noAuth.stderr).error.exit_code).toBe(3);
  });
});
