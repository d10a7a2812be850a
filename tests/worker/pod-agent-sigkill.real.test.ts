// A worker must not outlive the local pod agent that started it: the agent is what stops workers,
// so after a SIGKILL of the agent nobody would. A real pod agent process (scripts/local/
// pod-agent-main.ts) starts a real worker against the real stack; the worker claims a long job;
// the agent is SIGKILLed. Then the worker and its job's processes exit, and the run ends
// `preempted` (requeued without costing an attempt), not `in_progress` until its lease runs out.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { isRunning, waitFor } from "../../scripts/local/process-probe.ts";
import { collectOutput, descendants, waitFor as waitForOutput } from "../e2e/processes.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

const IMAGE = "ow/agent-sigkill:1";
const AGENT_TOKEN = "agent-sigkill-token-0123456789";
const JOB_SCRIPT = "setInterval(() => {}, 1000); // a long job, until something stops it";

let stack: TestStack;
let dir: string;
let workRoot: string;
let agent: ChildProcess;
const leftovers: number[] = [];

beforeAll(async () => {
  stack = await startTestStack({ OW_LEASE_SECONDS: "60", OW_HEARTBEAT_SECONDS: "2" });
  dir = mkdtempSync(join(tmpdir(), "ow-agent-sigkill-"));
  workRoot = mkdtempSync(join(tmpdir(), "ow-agent-sigkill-runs-"));
});

afterAll(async () => {
  if (agent?.exitCode === null) agent.kill("SIGKILL");
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(workRoot, { recursive: true, force: true });
});

async function agentCall(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${AGENT_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("a SIGKILLed pod agent", () => {
  it("takes its workers and their jobs with it; the run ends preempted", { timeout: 180_000 }, async () => {
    const api = client(stack.url, stack.adminToken);
    const submitted = await api("POST", "/api/jobs", {
      type: "custom",
      image: IMAGE,
      entrypoint: [process.execPath, "-e", JOB_SCRIPT],
      params: { nonce: crypto.randomUUID() },
      requires_vram_gb: 0,
    });
    expect(submitted.status).toBe(201);
    const jobId = String(submitted.body.id);

    // The agent itself is the process we kill: node with tsx's loader, no launcher in between.
    const nodeWithTsx = [process.execPath, "--import", "tsx"];
    agent = spawn(
      nodeWithTsx[0]!,
      [...nodeWithTsx.slice(1), join(repoRoot, "scripts", "local", "pod-agent-main.ts")],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          OW_POD_AGENT_TOKEN: AGENT_TOKEN,
          OW_WORKER_COMMAND: JSON.stringify([...nodeWithTsx, join(repoRoot, "worker", "src", "cli.ts")]),
          OW_WORKER_LOG_DIR: dir,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const output = collectOutput(agent);
    const agentUrl = (await waitForOutput(output, /pod agent listening: (\S+)/, 60_000, agent))[1]!;

    const [row] = await stack.db
      .sql`select token from internal.mint_worker_token(${stack.orgId}, ${"w-sigkill"})`;
    const created = await agentCall(agentUrl, "POST", "/pods", {
      name: "ow-sigkill-w1",
      workerId: "w-sigkill",
      deploymentId: "sigkill",
      image: IMAGE,
      gpuTypeId: null,
      gpuCount: 0,
      env: {
        OPENWEIGHTS_API_URL: stack.url,
        OPENWEIGHTS_WORKER_TOKEN: String(row!.token),
        OW_WORKER_IMAGE: IMAGE,
        // Its own temporary directory: the worker makes it passable for the job's user (a directory
        // inside \`dir\`, mode 0700, would not be).
        OW_WORK_DIR: workRoot,
      },
    });
    expect(created.status).toBe(201);
    const workerPid = Number(created.body.pid);
    leftovers.push(workerPid);

    // The worker claimed the job and its process runs.
    const workerLog = () => {
      try {
        return readFileSync(join(dir, `${String(created.body.id)}.log`), "utf8");
      } catch {
        return "(no log)";
      }
    };
    const jobPid = await waitFor(
      () => descendants(workerPid).find((pid) => cmdline(pid).includes(JOB_SCRIPT)),
      "the job's process",
      90_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; the worker's log:\n${workerLog()}`);
    });
    leftovers.push(jobPid);
    const [running] = await stack.db.sql`select status from public.runs where job_id = ${jobId}`;
    expect(running!.status).toBe("in_progress");

    agent.kill("SIGKILL");
    // Bounded waits, generous for a loaded machine; before the fix neither ever happened.
    await waitFor(() => !isRunning(workerPid), "the worker to exit after its agent was SIGKILLed", 90_000);
    await waitFor(() => !isRunning(jobPid), "the job's process to exit", 30_000);
    const [ended] = await stack.db.sql`
      select status, failure_kind from public.runs where job_id = ${jobId} order by attempt limit 1`;
    expect(ended).toMatchObject({ status: "failed", failure_kind: "preempted" });
    expect(workerLog()).toMatch(/pod agent that started this worker \(pid \d+\) is gone/);
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}
