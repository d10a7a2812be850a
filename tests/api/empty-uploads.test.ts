// The rule for empty files (README "Files and mounts"): a dataset (`conversations`, `preference`)
// cannot be empty — every upload path answers a typed 400 naming what is wrong and files nothing —
// while every other purpose may be empty (an empty `__init__.py` is a real job file).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { BadRequestError, FileValidationError, OpenWeights } from "../../sdk/src/node/index.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let api: ReturnType<typeof client>;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = client(stack.url, stack.adminToken);
  dir = mkdtempSync(join(tmpdir(), "ow-empty-uploads-"));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

async function filed(): Promise<{ rows: number; stored: string[] }> {
  const [row] = await stack.db.sql`select count(*)::int as n from public.files`;
  // Files only: the staging directory an upload makes stays, empty.
  const stored = readdirSync(stack.filesDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`);
  return { rows: Number(row!.n), stored };
}

function signedRequest(purpose: string) {
  const orgSha = createHash("sha256").update(stack.orgId).digest("hex");
  return { purpose, filename: "empty.jsonl", bytes: 0, sha256: EMPTY_SHA256, org_sha256: orgSha };
}

describe("empty uploads", () => {
  for (const purpose of ["conversations", "preference"]) {
    it(`refuses an empty ${purpose} dataset on every path, naming the problem, and files nothing`, async () => {
      const before = await filed();
      const raw = await api("POST", `/api/files?purpose=${purpose}&filename=empty.jsonl`, new Uint8Array(0));
      expect(raw.status).toBe(400);
      expect(raw.body.error).toMatchObject({ code: "invalid_file" });
      expect(raw.body.error.details[0].message).toMatch(/no rows/);

      const form = new FormData();
      form.set("purpose", purpose);
      form.set("file", new Blob([]), "empty.jsonl");
      const multipart = await fetch(`${stack.url}/api/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${stack.adminToken}` },
        body: form,
      });
      expect(multipart.status).toBe(400);
      expect(((await multipart.json()) as { error: { code: string } }).error.code).toBe("invalid_file");

      // The signed-URL flow says so before anything is uploaded (it answered 201 before the fix).
      const signed = await api("POST", "/api/files/uploads", signedRequest(purpose));
      expect(signed.status).toBe(400);
      expect(signed.body.error).toMatchObject({ code: "invalid_request" });
      expect(signed.body.error.details).toEqual([
        { path: "bytes", message: expect.stringMatching(/at least 1/) },
      ]);

      expect(await filed()).toEqual(before);
    });
  }

  it("accepts an empty job file on the direct and the signed path, as the same content-addressed file", async () => {
    const direct = await api(
      "POST",
      "/api/files?purpose=custom_job_file&filename=__init__.py",
      new Uint8Array(0),
    );
    expect(direct.status).toBe(201);
    expect(direct.body).toMatchObject({ bytes: 0, sha256: EMPTY_SHA256, purpose: "custom_job_file" });
    const content = await fetch(`${stack.url}/api/files/${encodeURIComponent(direct.body.id)}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(content.status).toBe(200);
    expect(await content.text()).toBe("");

    const orgSha = createHash("sha256").update(stack.orgId).digest("hex");
    const signed = await api("POST", "/api/files/uploads", {
      ...signedRequest("custom_job_file"),
      org_sha256: orgSha,
    });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ file_id: direct.body.id, upload_url: null });
  });
});

describe("empty uploads through the SDK and the ow CLI", () => {
  const cli = (args: string[]) =>
    spawnSync(
      join(repoRoot, "node_modules", ".bin", "tsx"),
      [join(repoRoot, "sdk", "src", "cli", "main.ts"), ...args],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          OPENWEIGHTS_API_URL: stack.url,
          OPENWEIGHTS_API_KEY: stack.adminToken,
          OPENWEIGHTS_CONFIG_DIR: dir,
          NO_COLOR: "1",
        },
        encoding: "utf8",
        timeout: 60_000,
      },
    );

  it("the SDK refuses an empty dataset (checked locally, and by the server without the local check)", async () => {
    const ow = new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url });
    const before = await filed();
    const empty = new Uint8Array(0);
    await expect(
      ow.files.create({ file: empty, purpose: "conversations", filename: "e.jsonl" }),
    ).rejects.toThrow(FileValidationError);
    const unchecked = ow.files.create({
      file: empty,
      purpose: "conversations",
      filename: "e.jsonl",
      validate: false,
    });
    await expect(unchecked).rejects.toThrow(BadRequestError);
    await expect(unchecked).rejects.toMatchObject({ status: 400, code: "invalid_file" });
    expect(await filed()).toEqual(before);
    const init = await ow.files.create({ file: empty, purpose: "custom_job_file", filename: "__init__.py" });
    expect(init.bytes).toBe(0);
  });

  // Four CLI processes (tsx compiles the CLI each time): slow on a loaded machine.
  it("ow files upload fails on an empty dataset with a message saying why, and uploads an empty job file", {
    timeout: 400_000,
  }, async () => {
    const before = await filed();
    const emptyPath = join(dir, "empty.jsonl");
    writeFileSync(emptyPath, "");
    for (const extra of [[], ["--no-validate"]]) {
      const refused = cli(["files", "upload", emptyPath, "--purpose", "conversations", ...extra]);
      expect(refused.status, refused.stderr).not.toBe(0);
      expect(refused.stderr).toMatch(/no rows/);
      expect(refused.stdout).toBe("");
    }
    expect(await filed()).toEqual(before);
    const initPath = join(dir, "__init__.py");
    writeFileSync(initPath, "");
    const uploaded = cli(["files", "upload", initPath, "--purpose", "custom_job_file"]);
    expect(uploaded.status, uploaded.stderr).toBe(0);
    expect(uploaded.stdout.trim()).toMatch(/^custom_job_file:file-[0-9a-f]{12}$/);
  });
});
