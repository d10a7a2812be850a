import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FileValidationError, IntegrityError, OpenWeights, type Progress } from "../src/index.ts";
import { BASE_URL, fakeClock, fakeFetch, type Handler, json, ORG_ID } from "./support/fake-fetch.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function fileBody(bytes: Uint8Array, overrides: Record<string, unknown> = {}) {
  return {
    id: "conversations:file-0123456789ab",
    object: "file",
    organization_id: ORG_ID,
    filename: "data.jsonl",
    purpose: "conversations",
    bytes: bytes.byteLength,
    sha256: sha(bytes),
    created_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

function client(routes: Record<string, Handler>) {
  const fake = fakeFetch(routes);
  return {
    ow: new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: fake.fetch, clock: fakeClock() }),
    ...fake,
  };
}

const dataset = new TextEncoder().encode(
  `${Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `row ${i}` })).join("\n")}\n`,
);

describe("files", () => {
  it("streams a small file in one request, reporting progress, and checks the server's sha256", async () => {
    const { ow, calls } = client({ "POST /api/files": (call) => json(fileBody(call.body)) });
    const progress: Progress[] = [];
    const file = await ow.files.create({
      file: new Blob([dataset]),
      filename: "data.jsonl",
      purpose: "conversations",
      onProgress: (p) => progress.push(p),
    });
    expect(file.sha256).toBe(sha(dataset));
    expect(calls[0]?.query.get("purpose")).toBe("conversations");
    expect(calls[0]?.query.get("filename")).toBe("data.jsonl");
    expect(sha(calls[0]!.body)).toBe(sha(dataset));
    expect(progress.at(-1)).toEqual({
      phase: "uploading",
      loaded: dataset.byteLength,
      total: dataset.byteLength,
    });
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1]!.loaded)).toBe(true);
  });

  it("rejects the upload when the server stored different bytes", async () => {
    const { ow } = client({
      "POST /api/files": (call) => json(fileBody(call.body, { sha256: "0".repeat(64) })),
    });
    await expect(ow.files.create({ file: dataset, purpose: "conversations" })).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });

  it("hashes a one-shot stream while uploading it", async () => {
    const { ow, calls } = client({
      "POST /api/files": (call) => json(fileBody(call.body, { purpose: "result" })),
    });
    const stream = new Blob([dataset]).stream();
    const file = await ow.files.create({ file: stream, purpose: "result", filename: "out.bin" });
    expect(file.sha256).toBe(sha(dataset));
    expect(calls).toHaveLength(1);
  });

  it("refuses invalid datasets locally with line numbers, before any request", async () => {
    const { ow, calls } = client({});
    const bad = new TextEncoder().encode(`{"text":"ok"}\n{"messages":"nope"}\n`);
    const error = await ow.files.create({ file: bad, purpose: "conversations" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileValidationError);
    expect((error as FileValidationError).errors).toEqual([
      { line: 2, message: "messages: must be a list of messages" },
    ]);
    expect(calls).toHaveLength(0);
  });

  it("uses the signed-URL flow for large files: hash, plan, PUT without auth, complete", async () => {
    const { ow, calls, bodyJson } = client({
      "POST /api/files/uploads": () =>
        json({
          file_id: "result:file-0123456789ab",
          upload_url: "/functions/v1/api/local-files/tok",
          expires_at: null,
        }),
      "PUT /api/local-files/tok": () => new Response(null, { status: 200 }),
      "POST /api/files/uploads/result:file-0123456789ab/complete": () =>
        json(fileBody(dataset, { purpose: "result" })),
    });
    const phases = new Set<string>();
    await ow.files.create({
      file: dataset,
      purpose: "result",
      largeFileThreshold: 1,
      onProgress: (p) => phases.add(p.phase),
    });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /functions/v1/api/files/uploads",
      "PUT /functions/v1/api/local-files/tok",
      "POST /functions/v1/api/files/uploads/result:file-0123456789ab/complete",
    ]);
    expect(bodyJson(calls[0]!)).toMatchObject({
      purpose: "result",
      bytes: dataset.byteLength,
      sha256: sha(dataset),
      org_sha256: sha(Buffer.concat([Buffer.from(dataset), Buffer.from(ORG_ID)])),
    });
    expect(calls[1]?.headers.get("authorization")).toBeNull();
    expect(sha(calls[1]!.body)).toBe(sha(dataset));
    expect([...phases]).toEqual(["hashing", "uploading"]);
  });

  it("skips the upload when the server already has the bytes", async () => {
    const { ow, calls } = client({
      "POST /api/files/uploads": () =>
        json({ file_id: "result:file-0123456789ab", upload_url: null, expires_at: null }),
      "GET /api/files/result:file-0123456789ab": () => json(fileBody(dataset, { purpose: "result" })),
    });
    const file = await ow.files.create({ file: dataset, purpose: "result", largeFileThreshold: 1 });
    expect(file.id).toBe("conversations:file-0123456789ab");
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET"]);
  });

  it("lists files by purpose across pages", async () => {
    const { ow } = client({
      "GET /api/files": (call) =>
        json({
          object: "list",
          data: [fileBody(dataset, { purpose: call.query.get("purpose") })],
          next_cursor: call.query.get("cursor") ? null : "p2",
        }),
    });
    const purposes: unknown[] = [];
    for await (const f of ow.files.list({ purpose: "result" })) purposes.push(f.purpose);
    expect(purposes).toEqual(["result", "result"]);
  });
});
