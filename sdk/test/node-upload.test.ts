import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenWeights } from "../src/node/index.ts";
import { ORG_ID } from "./support/fake-fetch.ts";
import { type HttpDouble, startHttpDouble } from "./support/http-double.ts";

let api: HttpDouble;
let dir: string;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  api = await startHttpDouble({
    "POST /api/files": (req) => ({
      status: 201,
      json: {
        id: "result:file-0123456789ab",
        organization_id: ORG_ID,
        filename: req.query.get("filename"),
        purpose: "result",
        bytes: req.body.length,
        sha256: sha(req.body),
        created_at: "t",
      },
    }),
  });
  dir = mkdtempSync(join(tmpdir(), "ow-node-upload-"));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("node entry uploads", () => {
  it("streams a local file over node:http with auth, query and the exact bytes", async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(join(dir, "weights.bin"), bytes);
    const ow = new OpenWeights({ apiKey: "test-jwt", baseURL: api.url });
    const seen: number[] = [];
    const file = await ow.files.upload(join(dir, "weights.bin"), "result", {
      onProgress: (p) => seen.push(p.loaded),
    });
    const request = api.requests.find((r) => r.method === "POST")!;
    expect(request.headers.authorization).toBe("Bearer test-jwt");
    expect(request.query.get("filename")).toBe("weights.bin");
    expect(sha(request.body)).toBe(sha(bytes));
    expect(file.sha256).toBe(sha(bytes));
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it("maps an error answer from the upload transport to the same error classes", async () => {
    api.routes["POST /api/files"] = () => ({
      status: 413,
      json: { error: { code: "payload_too_large", message: "too big", request_id: "r9" } },
    });
    const ow = new OpenWeights({ apiKey: "test-jwt", baseURL: api.url });
    writeFileSync(join(dir, "x.bin"), "x");
    await expect(ow.files.upload(join(dir, "x.bin"), "result")).rejects.toMatchObject({
      status: 413,
      code: "payload_too_large",
      requestID: "r9",
    });
  });
});
