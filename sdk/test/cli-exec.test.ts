// `ow exec` before it submits: what it mounts (and what the ignore rules leave out, by which
// rule), the size guard, and --secret names checked against the organization's secrets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useCliDouble } from "./support/cli-double.ts";
import { runCliInProcess as runCli } from "./support/cli-in-process.ts";
import { jobBody } from "./support/fake-fetch.ts";

let dir: string;
const cli = useCliDouble("ow-exec-config-");
const env = cli.env;
const secret = (name: string) => ({ name, member_usable: false, created_at: "t", updated_at: "t" });
const submitted = () => cli.api.requests.filter((r) => r.method === "POST" && r.path === "/api/jobs");
const uploads = () => cli.api.requests.filter((r) => r.path.startsWith("/api/files"));

beforeEach(() => {
  cli.api.routes["POST /api/files/uploads"] = () => ({
    json: { file_id: "custom_job_file:file-0123456789ab", upload_url: null, expires_at: null },
  });
  cli.api.routes["POST /api/jobs"] = () => ({
    status: 201,
    json: { ...jobBody({ id: "exec-0123456789ab", type: "exec" }), created: true },
  });
  cli.api.routes["GET /api/secrets"] = () => ({
    json: { object: "list", data: [secret("HF_TOKEN"), secret("WANDB_API_KEY")], next_cursor: null },
  });
  dir = mkdtempSync(join(tmpdir(), "ow-exec-dir-"));
  writeFileSync(join(dir, "train.py"), "print('hi')\n");
  writeFileSync(join(dir, "model.ckpt"), Buffer.alloc(2 * 1024 * 1024));
  writeFileSync(join(dir, "notes.txt"), "x".repeat(100));
  mkdirSync(join(dir, "node_modules"));
  writeFileSync(join(dir, "node_modules", "big.js"), "x");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("ow exec says what it mounts", () => {
  it("prints files, bytes, the largest files and each skipped path with its rule", async () => {
    writeFileSync(join(dir, ".owignore"), "*.ckpt\n");
    const result = await runCli(["exec", "--vram", "0", "python train.py"], { env: env(), cwd: dir });
    expect(result.code).toBe(0);
    // .owignore, notes.txt and train.py: 7 + 100 + 12 bytes
    expect(result.stderr).toContain(`mounting ${dir}: 3 files, 119 B`);
    expect(result.stderr).toContain("largest: notes.txt (100 B), train.py (12 B), .owignore (7 B)");
    expect(result.stderr).toContain("skipped model.ckpt (.owignore: *.ckpt)");
    expect(result.stderr).toContain("skipped node_modules/ (built-in: node_modules/)");
    expect(result.stdout).toBe("exec-0123456789ab\n");
  });

  it("refuses a directory above --max-upload-mb before hashing or sending anything, unless --yes", async () => {
    const refused = await runCli(["exec", "--vram", "0", "--max-upload-mb", "1", "python train.py"], {
      env: env(),
      cwd: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to mount 2.0 MB, more than --max-upload-mb 1");
    expect(refused.stderr).toContain("largest: model.ckpt (2.0 MB)");
    expect(uploads()).toHaveLength(0);
    expect(submitted()).toHaveLength(0);

    const accepted = await runCli(
      ["exec", "--vram", "0", "--max-upload-mb", "1", "--yes", "python train.py"],
      { env: env(), cwd: dir },
    );
    expect(accepted.code).toBe(0);
    expect(submitted()).toHaveLength(1);
  });
});

describe("ow exec --secret", () => {
  it("refuses an unknown name, listing the organization's secrets, and submits nothing", async () => {
    const result = await runCli(
      ["exec", "--vram", "0", "--secret", "HF_TOKEN", "--secret", "HF_TOKN", "python train.py"],
      { env: env(), cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--secret: unknown HF_TOKN; this organization has HF_TOKEN, WANDB_API_KEY",
    );
    expect(uploads()).toHaveLength(0);
    expect(submitted()).toHaveLength(0);
  });

  it("passes known names on, and leaves a member (who may not list secrets) to the server's check", async () => {
    const known = await runCli(["exec", "--vram", "0", "--secret", "HF_TOKEN", "python train.py"], {
      env: env(),
      cwd: dir,
    });
    expect(known.code).toBe(0);
    expect(JSON.parse(submitted()[0]!.body.toString())).toMatchObject({ secrets: ["HF_TOKEN"] });

    cli.api.routes["GET /api/secrets"] = () => ({
      status: 403,
      json: { error: { code: "forbidden", message: "admins only", request_id: "r" } },
    });
    const member = await runCli(["exec", "--vram", "0", "--secret", "ANY_NAME", "python train.py"], {
      env: env(),
      cwd: dir,
    });
    expect(member.code).toBe(0);
    expect(submitted()).toHaveLength(2);
  });
});
