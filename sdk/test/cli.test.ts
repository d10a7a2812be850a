import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDouble } from "./support/cli-double.ts";
import { runCliInProcess as runCli } from "./support/cli-in-process.ts";
import { jobBody, ORG_ID } from "./support/fake-fetch.ts";
import { type DoubleReply, runCli as runCliProcess } from "./support/http-double.ts";

const cli = useCliDouble("ow-cli-config-");
const env = cli.env;
const errorReply = (status: number, code: string): DoubleReply => ({
  status,
  json: { error: { code, message: `${code} happened`, request_id: "req_cli_1" } },
});
const runBody = (id: string, attempt: number) => ({
  id,
  job_id: "exec-0123456789ab",
  worker_id: "w-1",
  attempt,
  status: "failed",
  lease_expires_at: null,
  exit_code: 1,
  failure_kind: "user_error",
  failure_message: "exit 1",
  started_at: "2026-01-01T00:00:00Z",
  finished_at: "2026-01-01T00:00:01Z",
});
const page = (data: unknown[]) => ({ json: { object: "list", data, next_cursor: null } });
const ME = {
  organization: { id: ORG_ID, name: "acme", created_at: "t" },
  token_id: null,
  role: "admin",
  user_id: null,
};

describe("ow CLI", () => {
  it("exits 2 and names the flag for an unknown flag, a bad integer and a bad choice", async () => {
    const unknown = await runCli(["jobs", "ls", "--colour"], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--colour");
    const badInt = await runCli(["ls", "--limit", "ten"], { env: env() });
    expect(badInt.code).toBe(2);
    expect(badInt.stderr).toContain("--limit");
    const badChoice = await runCli(["ls", "--status", "sleeping"], { env: env() });
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(/--status must be one of pending/);
    expect(cli.api.requests).toHaveLength(0);
  });

  it("exits 2 for a missing argument or an unknown command", { timeout: 90_000 }, async () => {
    const missing = await runCli(["jobs", "get"], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("<job-id>");
    // Through the real process once: the exit code reaches the shell.
    const unknown = await runCliProcess(["frobnicate"], { env: env() });
    expect(unknown.code).toBe(2);
  });

  it("prints listings as JSON with --json and only ids with -q", async () => {
    cli.api.routes["GET /api/jobs"] = (req) =>
      page([
        jobBody({ id: "a-000000000001", status: req.query.get("status") }),
        jobBody({ id: "a-000000000002" }),
      ]);
    const asJson = await runCli(["jobs", "ls", "--status", "pending", "--json"], { env: env() });
    expect(asJson.code).toBe(0);
    const jobs = JSON.parse(asJson.stdout) as { id: string; status: string }[];
    expect(jobs.map((j) => j.id)).toEqual(["a-000000000001", "a-000000000002"]);
    expect(jobs[0]?.status).toBe("pending");
    const quiet = await runCli(["ls", "-q"], { env: env() });
    expect(quiet.stdout).toBe("a-000000000001\na-000000000002\n");
  });

  it("cancels ids piped on stdin, skipping jobs that are already finished", async () => {
    cli.api.routes["POST /api/jobs/a-000000000001/cancel"] = () => ({
      json: jobBody({ id: "a-000000000001", status: "canceled" }),
    });
    cli.api.routes["POST /api/jobs/a-000000000002/cancel"] = () => errorReply(409, "job_not_cancelable");
    const result = await runCli(["cancel", "-"], { env: env(), input: "a-000000000001\na-000000000002\n" });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toBe("a-000000000001\tcanceled");
    expect(lines[1]).toMatch(/^a-000000000002\tskipped\t/);
    expect(result.stderr).toContain("canceled 1, skipped 1, errors 0");
    expect(cli.api.requests.filter((r) => r.method === "POST")).toHaveLength(2);
  });

  it("prints the error code, message and request id, and exits 1 on an API error", async () => {
    const result = await runCli(["jobs", "get", "nope-000000000000"], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not_found/);
    expect(result.stderr).toContain("request id: req_double");
  });

  it("exits 3 when the token is rejected or missing", async () => {
    cli.api.routes["GET /api/me"] = () => errorReply(401, "token_revoked");
    const rejected = await runCli(["whoami"], { env: env() });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toContain("token_revoked");
    const missing = await runCli(["whoami"], {
      env: { OPENWEIGHTS_CONFIG_DIR: cli.configDir, OPENWEIGHTS_API_URL: cli.api.url },
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("ow login");
  });

  it("exits with the job's outcome from jobs wait", async () => {
    cli.api.routes["GET /api/jobs/a-000000000001"] = () => ({
      json: jobBody({ id: "a-000000000001", status: "failed" }),
    });
    cli.api.routes["GET /api/jobs/a-000000000002"] = () => ({
      json: jobBody({ id: "a-000000000002", status: "completed" }),
    });
    expect((await runCli(["jobs", "wait", "a-000000000001"], { env: env() })).code).toBe(1);
    const ok = await runCli(["jobs", "wait", "a-000000000002", "--json"], { env: env() });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).status).toBe("completed");
  });

  it("jobs wait without a terminal says each new status and waiting reason once", {
    timeout: 60_000,
  }, async () => {
    const replies = [
      { status: "pending", waiting_reason: "waiting: the organization's hourly budget is in use" },
      { status: "pending", waiting_reason: "waiting: the organization's hourly budget is in use" },
      { status: "pending", waiting_reason: "starting: a worker (1x L40S) is being started for it" },
      { status: "in_progress", waiting_reason: null },
      { status: "completed", waiting_reason: null },
    ];
    let poll = 0;
    cli.api.routes["GET /api/jobs/a-000000000003"] = () => ({
      json: jobBody({ id: "a-000000000003", ...replies[Math.min(poll++, replies.length - 1)] }),
    });
    const result = await runCli(["jobs", "wait", "a-000000000003", "--interval", "1"], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual([
      "a-000000000003: pending — waiting: the organization's hourly budget is in use",
      "a-000000000003: pending — starting: a worker (1x L40S) is being started for it",
      "a-000000000003: in_progress",
      "a-000000000003: completed",
    ]);
  });

  it("logs in with a piped token, stores it with mode 0600, and uses it for whoami until logout", async () => {
    cli.api.routes["GET /api/me"] = (req) =>
      req.headers.authorization === "Bearer stored-jwt" ? { json: ME } : errorReply(401, "invalid_token");
    const noKey = { OPENWEIGHTS_CONFIG_DIR: cli.configDir, OPENWEIGHTS_API_URL: undefined };
    const login = await runCli(["login", "--api-url", cli.api.url], { env: noKey, input: "stored-jwt\n" });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain("acme");
    expect(statSync(join(cli.configDir, "credentials.json")).mode & 0o777).toBe(0o600);
    const who = await runCli(["whoami", "--json"], { env: noKey });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ role: "admin", api_url: cli.api.url });
    expect((await runCli(["logout"], { env: noKey })).code).toBe(0);
    expect((await runCli(["whoami"], { env: noKey })).code).toBe(3);
  });

  it("refuses an invalid dataset before uploading, naming the line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ow-cli-data-"));
    writeFileSync(join(dir, "train.jsonl"), '{"text":"ok"}\n{"messages":[{"role":"robot","content":"x"}]}\n');
    const result = await runCli(["files", "upload", join(dir, "train.jsonl"), "--purpose", "conversations"], {
      env: env(),
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("line 2: messages[0].role");
    expect(cli.api.requests).toHaveLength(0);
  });

  it("exec mounts the directory without ignored folders, runs the command via sh -c and exits with the job status", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ow-cli-exec-"));
    writeFileSync(join(dir, "train.py"), "print('hi')\n");
    mkdirSync(join(dir, "node_modules"));
    writeFileSync(join(dir, "node_modules", "big.js"), "x");
    let submitted: Record<string, unknown> = {};
    cli.api.routes["POST /api/files/uploads"] = () => ({
      json: { file_id: "custom_job_file:file-0123456789ab", upload_url: null, expires_at: null },
    });
    cli.api.routes["POST /api/jobs"] = (req) => {
      submitted = JSON.parse(req.body.toString()) as Record<string, unknown>;
      return { status: 201, json: { ...jobBody({ id: "exec-0123456789ab", type: "exec" }), created: true } };
    };
    const runId = "00000000-0000-4000-8000-0000000000aa";
    cli.api.routes["GET /api/jobs/exec-0123456789ab/logs"] = (req) => {
      const fresh = req.query.get("after_seq") === "-1";
      const chunks = fresh ? [{ run_id: runId, seq: 0, streams: "o", lines: ["hi"], created_at: "t" }] : [];
      return { json: { run_id: runId, chunks, next_after_seq: 0, run_finished: true } };
    };
    cli.api.routes["GET /api/jobs/exec-0123456789ab"] = () => ({
      json: jobBody({ id: "exec-0123456789ab", status: "failed", attempts: 1 }),
    });
    cli.api.routes["GET /api/jobs/exec-0123456789ab/runs"] = () => page([runBody(runId, 1)]);
    const result = await runCli(
      [
        "exec",
        "--vram",
        "0",
        "--gpu",
        "H100",
        "--max-attempts",
        "2",
        "--wait",
        "python",
        "train.py",
        "--epochs",
        "3",
      ],
      {
        env: env(),
        cwd: dir,
      },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(submitted).toMatchObject({
      type: "exec",
      entrypoint: ["sh", "-c", "python train.py --epochs 3"],
      params: { command: "python train.py --epochs 3" },
      mounts: { "train.py": "custom_job_file:file-0123456789ab" },
      requires_vram_gb: 0,
      allowed_hardware: ["1x H100"],
      max_attempts: 2,
    });
    expect(result.stdout).toContain("hi\n");
    expect(result.stderr).toContain("── attempt 1/3 on worker w-1");
    expect(result.code).toBe(1);
  });
});
