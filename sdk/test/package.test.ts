// Builds the package, packs it, installs the tarball into a fresh directory and uses it the way a
// consumer would: ESM import, CJS require, the `ow` bin, and a strict type check of both entries.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));
let work: string;
let app: string;

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ow-pack-"));
  app = join(work, "app");
  mkdirSync(app);
  run("npm", ["run", "build"], sdk);
  run("npm", ["pack", "--pack-destination", work], sdk);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(work, tarball ?? "")],
    app,
  );
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed openweights tarball", () => {
  it("imports from ESM with every entry point's exports present", () => {
    const script = `
      import OW, { OpenWeights, RateLimitError, validateDataset } from "openweights";
      import * as node from "openweights/node";
      import { run } from "openweights/job";
      const c = new node.OpenWeights({ apiKey: "k" });
      console.log(JSON.stringify({
        same: OW === OpenWeights,
        err: typeof RateLimitError,
        validate: validateDataset("conversations", "{}").length,
        files: typeof c.files.create, register: typeof c.register, walk: typeof node.walkDirectory,
        sharedErrors: node.RateLimitError === RateLimitError, run: typeof run.log,
      }));`;
    const out = JSON.parse(run("node", ["--input-type=module", "-e", script], app));
    expect(out).toEqual({
      same: true,
      err: "function",
      validate: 1,
      files: "function",
      register: "function",
      walk: "function",
      sharedErrors: true,
      run: "function",
    });
  });

  it("requires from CJS", () => {
    const script = `
      const { OpenWeights, NotFoundError } = require("openweights");
      const node = require("openweights/node");
      const { run } = require("openweights/job");
      console.log(JSON.stringify([typeof OpenWeights, typeof NotFoundError, node.NotFoundError === NotFoundError, typeof run.params]));`;
    expect(JSON.parse(run("node", ["-e", script], app))).toEqual(["function", "function", true, "function"]);
  });

  it("installs a working ow bin", () => {
    expect(run(join(app, "node_modules", ".bin", "ow"), ["--version"], app).trim()).toMatch(
      /^\d+\.\d+\.\d+$/,
    );
  });

  // tsc over the packed declarations: 41 s once on a 2-core machine under a load average of 30.
  it("type-checks a strict consumer of the declarations", { timeout: 180_000 }, () => {
    writeFileSync(
      join(app, "consumer.ts"),
      `import { OpenWeights, type Job, APIError } from "openweights";
       import { OpenWeights as NodeOW } from "openweights/node";
       import { z } from "zod";
       const ow: OpenWeights = new NodeOW({ apiKey: "k" });
       const family = new NodeOW({ apiKey: "k" }).register({
         type: "addition", params: z.object({ a: z.number() }), image: "python:3.12", entrypoint: (p) => ["echo", String(p.a)],
       });
       export async function check(): Promise<number> {
         const job: Job = await ow.jobs.retrieve("x");
         const typed = await family.create({ a: 1 });
         const a: number = typed.params.a;
         try { await ow.me(); } catch (e) { if (e instanceof APIError) return e.status ?? 0; }
         return a + job.attempts;
       }\n`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          noEmit: true,
          skipLibCheck: false,
          types: [],
          lib: ["es2022", "dom"],
        },
        files: ["consumer.ts"],
      }),
    );
    expect(() => run(tsc, ["-p", "tsconfig.json"], app)).not.toThrow();
  });
});
