import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidParamsError } from "../src/index.ts";
import { OpenWeights, walkDirectory } from "../src/node/index.ts";
import { BASE_URL, fakeClock, fakeFetch, jobBody, json } from "./support/fake-fetch.ts";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ow-register-"));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write("add.py", "import json; p = json.load(open('params.json')); print(p['a'] + p['b'])\n");
  write("lib/util.py", "X = 1\n");
  write("lib/data/big.bin", "ignored by .owignore\n");
  write("lib/notes.log", "ignored by pattern\n");
  write("lib/keep.log", "re-included\n");
  write("lib/.owignore", "data/\n*.log\n!keep.log\n");
  write("lib/node_modules/x/index.js", "always ignored\n");
  write("lib/.git/HEAD", "always ignored\n");
  write("lib/__pycache__/u.pyc", "always ignored\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server that knows files by sha256 and answers like the content-addressed API. */
function contentAddressedServer() {
  const known = new Set<string>();
  const fake = fakeFetch({
    "POST /api/files/uploads": (call) => {
      const { sha256 } = JSON.parse(new TextDecoder().decode(call.body)) as { sha256: string };
      const fileId = `custom_job_file:file-${sha256.slice(0, 12)}`;
      return json({
        file_id: fileId,
        upload_url: known.has(sha256) ? null : `/functions/v1/api/local-files/${sha256}`,
        expires_at: null,
      });
    },
    "POST /api/jobs": (call) =>
      json({ ...jobBody(), ...JSON.parse(new TextDecoder().decode(call.body)), created: true }, 201),
  });
  const fetch: typeof fake.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const match = /local-files\/([0-9a-f]{64})$/.exec(url.pathname);
    if (match) {
      const body = new Uint8Array(await new Request(input, init).arrayBuffer());
      known.add(createHash("sha256").update(body).digest("hex"));
      fake.calls.push({
        method: "PUT",
        path: url.pathname,
        query: url.searchParams,
        headers: new Headers(),
        body,
      });
      return new Response(null, { status: 200 });
    }
    if (url.pathname.endsWith("/complete")) {
      const id = decodeURIComponent(url.pathname.split("/").at(-2) ?? "");
      const sha256 = [...known].find((s) => id.endsWith(s.slice(0, 12)));
      return json({
        id,
        organization_id: "o",
        filename: "f",
        purpose: "custom_job_file",
        bytes: 0,
        sha256,
        created_at: "t",
      });
    }
    return fake.fetch(input, init);
  };
  return { ...fake, fetch };
}

describe("register", () => {
  it("walks a mounted directory skipping .git, node_modules, __pycache__ and .owignore patterns", async () => {
    expect(await walkDirectory(join(dir, "lib"))).toEqual([".owignore", "keep.log", "util.py"]);
  });

  it("submits validated params, argv from the params, and content-addressed mounts", async () => {
    const server = contentAddressedServer();
    const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: server.fetch, clock: fakeClock() });
    const addition = ow.register({
      type: "addition",
      params: z.object({ a: z.number(), b: z.number().default(2) }),
      image: "python:3.12-slim",
      requiresVramGb: 0,
      mount: {
        "add.py": join(dir, "add.py"),
        lib: join(dir, "lib"),
        "extra/note.txt": new TextEncoder().encode("hi"),
      },
      entrypoint: (p) => ["python", "add.py", "--check", String(p.a)],
      secrets: ["HF_TOKEN"],
    });
    const job = await addition.create({ a: 1 });
    const submitted = server.bodyJson(server.calls.find((c) => c.path.endsWith("/api/jobs"))!);
    expect(submitted).toMatchObject({
      type: "addition",
      image: "python:3.12-slim",
      entrypoint: ["python", "add.py", "--check", "1"],
      params: { a: 1, b: 2 },
      requires_vram_gb: 0,
      secrets: ["HF_TOKEN"],
    });
    expect(Object.keys(submitted.mounts)).toEqual([
      "add.py",
      "extra/note.txt",
      "lib/.owignore",
      "lib/keep.log",
      "lib/util.py",
    ]);
    for (const id of Object.values(submitted.mounts))
      expect(id).toMatch(/^custom_job_file:file-[0-9a-f]{12}$/);
    expect(job.params).toEqual({ a: 1, b: 2 });
  });

  it("resubmits with the same mount ids and without uploading any bytes again", async () => {
    const server = contentAddressedServer();
    const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: server.fetch, clock: fakeClock() });
    const family = ow.register({
      type: "addition",
      params: z.object({ a: z.number() }),
      image: "python:3.12-slim",
      mount: { ".": join(dir, "lib") },
      entrypoint: ["python", "util.py"],
    });
    const first = await family.submission({ a: 1 });
    const putsAfterFirst = server.calls.filter((c) => c.method === "PUT").length;
    const second = await family.submission({ a: 1 });
    expect(second).toEqual(first);
    expect(putsAfterFirst).toBe(3);
    expect(server.calls.filter((c) => c.method === "PUT")).toHaveLength(3);
    expect(Object.keys(first.mounts ?? {})).toEqual([".owignore", "keep.log", "util.py"]);
  });

  it("rejects params that do not match the schema before touching the network", async () => {
    const server = contentAddressedServer();
    const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: server.fetch });
    const family = ow.register({
      type: "addition",
      params: z.object({ a: z.number() }),
      image: "i",
      entrypoint: ["x"],
    });
    const error = await family.create({ a: "one" as unknown as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParamsError);
    expect((error as InvalidParamsError).issues[0]?.path).toBe("a");
    expect(server.calls).toHaveLength(0);
  });

  it("refuses mount targets that escape the job directory", async () => {
    const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: contentAddressedServer().fetch });
    const family = ow.register({
      type: "x",
      params: z.object({}),
      image: "i",
      entrypoint: ["x"],
      mount: { "../evil": new Uint8Array([1]) },
    });
    await expect(family.submission({})).rejects.toThrow(/relative path/);
  });

  it("lists only its own type", async () => {
    const fake = fakeFetch({ "GET /api/jobs": () => json({ object: "list", data: [], next_cursor: null }) });
    const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: fake.fetch });
    const family = ow.register({ type: "addition", params: z.object({}), image: "i", entrypoint: ["x"] });
    await family.list({ status: "completed" });
    expect(fake.calls[0]?.query.get("type")).toBe("addition");
  });
});
