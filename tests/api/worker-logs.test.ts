// Worker logs end to end on the real stack: a pod's boot script posts text/plain lines with the
// worker token before the worker runs, the worker posts JSON lines, and a member reads them with
// the SDK and with `ow workers logs`; bad CLI input exits 2 naming the problem.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError, main } from "../../sdk/src/cli/program.ts";
import { OpenWeights } from "../../sdk/src/index.ts";
import { client, createOrganization, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let configDir: string;
const WORKER = "w-logs-1";
let workerToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  configDir = mkdtempSync(join(tmpdir(), "ow-cli-config-"));
  // As the scaler does: the worker row (starting) and its token exist before the pod boots.
  await stack.db.sql`insert into public.workers (id, organization_id, status, provider, image)
    values (${WORKER}, ${stack.orgId}, 'starting', 'runpod', 'python:3.12-slim')`;
  const [row] = await stack.db.sql`select token from internal.mint_worker_token(${stack.orgId}, ${WORKER})`;
  workerToken = String(row?.token);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

/**
 * Runs the `ow` program in this process (the code `ow` runs, minus a Node start: spawning the CLI
 * four times took over 20 s on the loaded 2-core CI machine).
 */
async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  Object.assign(process.env, {
    OPENWEIGHTS_API_URL: stack.url,
    OPENWEIGHTS_API_KEY: stack.adminToken,
    OPENWEIGHTS_CONFIG_DIR: configDir,
  });
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const text = { stdout: "", stderr: "" };
  stdout.on("data", (d: Buffer) => {
    text.stdout += d.toString();
  });
  stderr.on("data", (d: Buffer) => {
    text.stderr += d.toString();
  });
  let code: number;
  try {
    code = await main(argv, { stdout, stderr, stdin: Readable.from([]) });
  } catch (error) {
    text.stderr += describeError(error);
    code = 1;
  }
  return { code, ...text };
}

describe("worker logs", () => {
  it("keeps boot lines posted as text/plain and worker lines posted as JSON, in order", async () => {
    const worker = client(stack.url, workerToken);
    const boot = await worker(
      "POST",
      "/worker-api/worker-logs",
      "ow-boot: downloading\now-boot: verified\n",
      {
        "content-type": "text/plain",
      },
    );
    expect(boot).toEqual({ status: 200, body: { accepted: 2 } });
    const own = await worker("POST", "/worker-api/worker-logs", {
      source: "worker",
      lines: ["GPU 0: matmul ok"],
    });
    expect(own).toEqual({ status: 200, body: { accepted: 1 } });

    const sdk = new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url });
    const page = await sdk.workers.logs(WORKER);
    expect(page.data.map((l) => [l.source, l.line])).toEqual([
      ["boot", "ow-boot: downloading"],
      ["boot", "ow-boot: verified"],
      ["worker", "GPU 0: matmul ok"],
    ]);
    const rest = await sdk.workers.logs(WORKER, { after: page.data[1]?.id ?? 0 });
    expect(rest.data.map((l) => l.line)).toEqual(["GPU 0: matmul ok"]);
    expect(rest.next_after).toBe(page.data[2]?.id);
  });

  it("shows another organization's worker as not found", async () => {
    const other = await createOrganization(stack.db, "worker-logs-other");
    const res = await client(stack.url, other.token)("GET", `/api/workers/${WORKER}/logs`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("prints the log with `ow workers logs <id>`", async () => {
    const out = await runCli(["workers", "logs", WORKER]);
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^\S+ \[boot\] ow-boot: downloading$/),
      expect.stringMatching(/^\S+ \[boot\] ow-boot: verified$/),
      expect.stringMatching(/^\S+ \[worker\] GPU 0: matmul ok$/),
    ]);
  }, 120_000);

  it("exits 2 naming the problem for bad CLI input, and 1 for an unknown worker", async () => {
    const missing = await runCli(["workers", "logs"]);
    const extra = await runCli(["workers", "logs", WORKER, "more"]);
    const after = await runCli(["workers", "logs", WORKER, "--after", "-1"]);
    const unknown = await runCli(["workers", "logs", "no-such-worker"]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("<worker-id>")]);
    expect([extra.code, extra.stderr]).toEqual([2, expect.stringContaining("more")]);
    expect([after.code, after.stderr]).toEqual([2, expect.stringContaining("--after")]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no worker no-such-worker");
  }, 120_000);
});
