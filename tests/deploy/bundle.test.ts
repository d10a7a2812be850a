// Deploys as Supabase does, from the `supabase/` folder alone: a copy of it in a temp dir (no
// node_modules, no repository-root deno.json, no sdk/), where each function must type-check with
// its own deno.json, bundle into an eszip (the hosted bundler's format; scripts/deploy/bundle.ts)
// and, run under Deno from exactly the modules in that bundle, answer requests.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { buildFunctionBundle, unpackBundle } from "../../scripts/deploy/bundle.ts";
import { functionNames } from "../../scripts/deploy/deno-imports.ts";
import { denoBinary, localFunctionEnv } from "../../scripts/gateway/spawn.ts";
import { runCommand } from "../../scripts/test/suites/result.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const FUNCTIONS = functionNames(repoRoot);
// deno check downloads the pinned npm packages once, then a few seconds per function; generous
// because 2-core CI machines run this beside every other suite.
const PER_FUNCTION_MS = 240_000;

let work: string;
let supabaseDir: string;
let db: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ow-deploy-"));
  supabaseDir = join(work, "supabase");
  cpSync(join(repoRoot, "supabase"), supabaseDir, {
    recursive: true,
    filter: (src) => !/[/\\](\.temp|\.branches|deno\.lock)$/.test(src),
  });
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const denoEnv = () => ({ ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" });

/** Runs `index.ts` of an unpacked bundle; resolves with its address once Deno.serve listens. */
function serve(dir: string, env: Record<string, string>): Promise<string> {
  const child = spawn(denoBinary, ["run", "-A", "--no-check", "--no-lock", "index.ts"], {
    cwd: dir,
    // a free port chosen by the OS, read back from Deno's "Listening on" line
    env: { ...denoEnv(), ...env, DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const address = /Listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (address) resolve(address);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`deno exited with ${code}:\n${output}`)));
  });
}

function functionEnv(): Record<string, string> {
  return {
    ...localFunctionEnv({ dbUrl: db.url, port: 1, filesDir: join(work, "files") }),
    OW_DB_URL: db.functionsUrl,
    OW_SCALE_SECRET: "deploy-test-scale-secret",
  };
}

/** A well-formed API token no one was issued: only the database can say it is unknown. */
const UNKNOWN_TOKEN = `ow_${"A".repeat(43)}`;

/** The one request per function beyond /health: for api and openai one that reads the database. */
const PROBES: Record<string, { path: string; status: number; code?: string }> = {
  api: { path: "/api/jobs", status: 401, code: "invalid_token" },
  openai: { path: "/openai/v1/models", status: 401 },
};

describe("functions deploy from the supabase/ folder alone", () => {
  it("finds the four functions", () => {
    expect(FUNCTIONS).toEqual(["api", "openai", "scale", "worker-api"]);
  });

  for (const name of FUNCTIONS) {
    it(`${name}: type-checks with its own deno.json, bundles to an eszip, serves from the bundle`, {
      timeout: PER_FUNCTION_MS,
    }, async () => {
      const fnDir = join(supabaseDir, "functions", name);
      expect(existsSync(join(fnDir, "deno.json"))).toBe(true);
      const check = await runCommand(denoBinary, ["check", "--no-lock", "index.ts"], {
        cwd: fnDir,
        env: denoEnv(),
        quiet: true,
      });
      expect(check.output).not.toMatch(/error/i);
      expect(check.code).toBe(0);

      const bundle = await buildFunctionBundle(supabaseDir, name);
      const unpacked = join(work, "unpacked", name);
      const modules = await unpackBundle(bundle, supabaseDir, unpacked);
      expect(modules).toContain(`functions/${name}/index.ts`);
      expect(modules).toContain(`functions/${name}/deno.json`);

      const base = await serve(join(unpacked, "functions", name), functionEnv());
      const prefix = name === "openai" ? "/openai/v1" : `/${name}`;
      const health = await fetch(`${base}${prefix}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      const probe = PROBES[name];
      if (probe) {
        const res = await fetch(`${base}${probe.path}`, {
          headers: { authorization: `Bearer ${UNKNOWN_TOKEN}` },
        });
        const body = (await res.json()) as { error?: { code?: string } };
        expect(res.status, JSON.stringify(body)).toBe(probe.status);
        if (probe.code) expect(body.error?.code).toBe(probe.code);
      }
    });
  }
});
