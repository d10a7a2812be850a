// Installable (issue 15): the SDK+CLI and the worker packed with `npm pack`, installed from the
// tarballs into an empty folder outside the checkout, then used as a user would: `ow --help`,
// `openweights --help` (the `npx openweights` path), `ow whoami` against a real stack, and the
// installed `ow-worker` claiming and completing a job, and the README's CLI quickstart run line by
// line with the installed `ow` (Done when: "the e2e test installs the packed CLI in an empty
// directory and runs the README's CLI quickstart with it").
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let work: string;
let app: string;
let stack: TestStack;
const bin = (name: string) => join(app, "node_modules", ".bin", name);
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 240_000,
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ow-install-"));
  app = join(work, "app");
  mkdirSync(app);
  // Packs what `npm install` built (the root `prepare`); rebuilding here would rewrite the worker
  // bundle under the local stack another test file may be running from it.
  for (const pkg of ["sdk", "worker"])
    run("npm", ["pack", "--pack-destination", work], join(repoRoot, pkg), { ...process.env });
  const tarballs = readdirSync(work).filter((f) => f.endsWith(".tgz"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "researcher", private: true }));
  run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      ...tarballs.map((t) => join(work, t)),
    ],
    app,
    { ...process.env },
  );
  stack = await startTestStack();
}, 600_000);
/** The installed ow-worker for this stack, claiming jobs of `image`, its run directories under `work`. */
async function startPackedWorker(id: string, image: string): Promise<ChildProcess> {
  const [row] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, ${id})`;
  const workDir = join(work, `worker-${id}`);
  mkdirSync(workDir);
  // A root worker runs the job as openweights-job, which must pass every directory above its
  // run directory (worker/src/executors/job-user.ts); mkdtemp made this one owner-only.
  chmodSync(work, 0o711);
  return spawn(bin("ow-worker"), [], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OPENWEIGHTS_API_URL: stack.url,
      OPENWEIGHTS_WORKER_TOKEN: String(row!.token),
      OW_WORKER_IMAGE: image,
      OW_WORK_DIR: workDir,
      OW_CLAIM_WAIT_MS: "1000",
      OW_HEARTBEAT_MS: "500",
    },
    stdio: "ignore",
  });
}

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the packed packages, installed outside the checkout", () => {
  it("install without TypeScript sources: built main, exports and bins only", () => {
    const worker = JSON.parse(
      run("node", ["-p", "JSON.stringify(require('@openweights/worker/package.json'))"], app),
    );
    expect(worker.private).toBeUndefined();
    expect(worker.main).toBe("./dist/index.mjs");
    const files = run(
      "find",
      [
        "node_modules/@openweights/worker",
        "node_modules/openweights/dist",
        "-name",
        "*.ts",
        "-not",
        "-name",
        "*.d.ts",
        "-not",
        "-name",
        "*.d.cts",
      ],
      app,
    );
    expect(files.trim()).toBe("");
  });

  it("run ow --help, openweights --help and ow whoami against the stack", { timeout: 120_000 }, () => {
    expect(run(bin("ow"), ["--help"], app)).toContain("the OpenWeights CLI");
    expect(run(bin("openweights"), ["--help"], app)).toContain("the OpenWeights CLI");
    // `ow worker` loads the installed worker package's built entry (its main was TypeScript).
    expect(run(bin("ow"), ["worker", "--help"], app)).toMatch(/ow-worker|OPENWEIGHTS_WORKER_TOKEN/);
    const me = JSON.parse(
      run(bin("ow"), ["whoami", "--json"], app, {
        OPENWEIGHTS_API_URL: stack.url,
        OPENWEIGHTS_API_KEY: stack.adminToken,
        OPENWEIGHTS_CONFIG_DIR: work,
      }),
    );
    expect(me.organization.id).toBe(stack.orgId);
  });

  it("the installed ow-worker claims and completes a job", { timeout: 180_000 }, async () => {
    const api = client(stack.url, stack.adminToken);
    const job = await api("POST", "/api/jobs", {
      type: "custom",
      image: "python:3.12-slim",
      entrypoint: ["sh", "-c", "echo from the packed worker"],
      requires_vram_gb: 0,
    });
    expect(job.status).toBe(201);
    const worker = await startPackedWorker("w-packed", "python:3.12-slim");
    try {
      const deadline = Date.now() + 150_000;
      let seen: { status?: string; failure_message?: string } = {};
      while (Date.now() < deadline && seen.status !== "completed" && seen.status !== "failed") {
        seen = (await api("GET", `/api/jobs/${job.body.id}`)).body;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(seen.status, seen.failure_message).toBe("completed");
      const [run] = await stack.db.sql`select worker_id from runs where job_id = ${job.body.id}`;
      expect(run?.worker_id).toBe("w-packed");
    } finally {
      worker.kill("SIGTERM");
    }
  });

  it("run the README's CLI quickstart with the installed ow", { timeout: 600_000 }, async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const quickstart = /### CLI quickstart\n\n```bash\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(quickstart).toContain("npx ow exec");
    // A user's project: the example dataset, nothing of the checkout; `npx ow` is the installed bin.
    const project = join(work, "project");
    mkdirSync(join(project, "examples", "data"), { recursive: true });
    cpSync(
      join(repoRoot, "examples", "data", "train.jsonl"),
      join(project, "examples", "data", "train.jsonl"),
    );
    const worker = await startPackedWorker("w-quickstart", "openweights/local-python");
    try {
      for (const line of quickstart!.trim().split("\n")) {
        if (line.includes("<job-id>")) continue; // needs an id from an earlier command
        const run = spawnSync("bash", ["-c", line.replaceAll("npx ow ", `"${bin("ow")}" `)], {
          cwd: project,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            NO_COLOR: "1",
            OPENWEIGHTS_API_URL: stack.url,
            OPENWEIGHTS_API_KEY: stack.adminToken,
            OPENWEIGHTS_CONFIG_DIR: join(work, "config"),
          },
          encoding: "utf8",
          timeout: 240_000,
        });
        expect({ line, status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({
          line,
          status: 0,
          stderr: "",
        });
        if (line.includes("exec")) expect(run.stdout).toContain("hello from a job");
      }
    } finally {
      worker.kill("SIGTERM");
    }
  });
});
