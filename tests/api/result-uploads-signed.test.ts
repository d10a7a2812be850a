// Result files go straight to storage (issue 11): the worker asks worker-api for a signed upload
// URL under its run's lease, PUTs the bytes there, then finalizes. Through the real Deno gateway on
// the local-disk store (signed URLs served by the api) and on Supabase Storage (the stand-in):
// the real worker client round-trips a file; nothing is registered before finalize; finalize is
// idempotent; what was not uploaded, or not as declared, is refused naming the field and files
// nothing; the lease and the size limit are enforced.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StorageStandIn, startStorageStandIn } from "../../scripts/storage/server.ts";
import { createLocalDiskStore } from "../../supabase/functions/_runtime/local-disk-store.ts";
import type { FileStore } from "../../supabase/functions/_shared/files/file-store.ts";
import { sweepStaging } from "../../supabase/functions/_shared/files/staging-sweep.ts";
import { createSupabaseStorageStore } from "../../supabase/functions/_shared/files/supabase-storage.ts";
import { WorkerApiClient } from "../../worker/src/api/worker-api-client.ts";
import { claimedRun } from "../support/claimed-run.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

const MAX_BYTES = 256 * 1024;
const DAY = 24 * 3600;
const JWT_SECRET = randomBytes(32).toString("hex");
const SECRET_KEY = `sb_secret_${randomBytes(16).toString("hex")}`;
let standIn: StorageStandIn;
let local: TestStack;
let supa: TestStack;
let dir: string;

beforeAll(async () => {
  standIn = await startStorageStandIn({
    jwtSecret: JWT_SECRET,
    secretKeys: [SECRET_KEY],
    buckets: ["files"],
  });
  const limit = { OW_MAX_UPLOAD_BYTES: String(MAX_BYTES) };
  [local, supa] = await Promise.all([
    startTestStack(limit),
    startTestStack({
      ...limit,
      OW_FILE_STORE: "supabase",
      SUPABASE_URL: standIn.url,
      SUPABASE_SECRET_KEY: SECRET_KEY,
    }),
  ]);
  dir = mkdtempSync(join(tmpdir(), "ow-result-uploads-"));
}, 120_000);
afterAll(async () => {
  await Promise.all([local?.stop(), supa?.stop()]);
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
};

async function filed(stack: TestStack, runId: string) {
  const files = await stack.db.sql<{ id: string; bytes: string; sha256: string }[]>`
    select id, bytes::text, sha256 from public.files where organization_id = ${stack.orgId} and purpose = 'result'`;
  const events = await stack.db.sql<{ seq: string; file_id: string; path: string }[]>`
    select seq::text, data ->> 'file_id' as file_id, data ->> 'path' as path
    from public.events where run_id = ${runId} and type = 'file' order by seq`;
  return { files, events };
}

const declare = (stack: TestStack, path: string, content: Buffer) => ({
  path,
  bytes: content.length,
  sha256: sha(content),
  org_sha256: sha(content, stack.orgId),
});

/** The stack's store as the scale function builds it, and a way to age an object in it. */
function storeOf(stack: TestStack): { store: FileStore; age: (key: string, seconds: number) => void } {
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
  if (stack === supa)
    return {
      store: createSupabaseStorageStore({ url: standIn.url, serviceRoleKey: SECRET_KEY, bucket: "files" }),
      age: (key, seconds) => standIn.state.objects.backdate("files", key, ago(seconds)),
    };
  return {
    store: createLocalDiskStore({ root: stack.filesDir, signUrl: async () => "http://127.0.0.1:1/unused" }),
    age: (key, seconds) => utimesSync(join(stack.filesDir, key), ago(seconds), ago(seconds)),
  };
}

const put = (url: string, body: Buffer | string) =>
  fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });

describe.each([
  ["the local-disk store", () => local],
  ["Supabase Storage (stand-in)", () => supa],
])("signed result uploads on %s", (_name, stackOf) => {
  it("round-trips a file through the real worker client, straight to the store", async () => {
    const stack = stackOf();
    const { runId, token } = await claimedRun(stack, "client");
    const api = new WorkerApiClient({
      workerApiUrl: `${stack.url}/worker-api`,
      token,
      organizationId: stack.orgId,
    });
    const content = randomBytes(200 * 1024);
    const file = join(dir, `client-${randomBytes(4).toString("hex")}.bin`);
    writeFileSync(file, content);
    const before = standIn.state.objects.bytesReceived;
    const answer = await api.uploadResult(runId, "model/weights.bin", file);
    expect(answer.file_id).toBe(`result:file-${sha(content, stack.orgId).slice(0, 12)}`);
    if (stack === supa) expect(standIn.state.objects.bytesReceived - before).toBe(content.length);
    const { files, events } = await filed(stack, runId);
    expect(files.find((f) => f.id === answer.file_id)).toMatchObject({
      bytes: String(content.length),
      sha256: sha(content),
    });
    expect(events.map((e) => e.file_id)).toEqual([answer.file_id]);
    const res = await fetch(`${stack.url}/api/files/${answer.file_id}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(content);
  });

  it("registers nothing before finalize, and a repeated finalize answers the same file and event", async () => {
    const stack = stackOf();
    const { runId, worker } = await claimedRun(stack, "repeat");
    const content = randomBytes(1000);
    const ticket = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "out.bin", content),
    );
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    expect((await put(ticket.body.upload_url, content)).status).toBe(200);
    // The worker "crashed" here: the bytes are in storage, nothing is registered.
    expect((await filed(stack, runId)).events).toEqual([]);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        worker("POST", `/worker-api/runs/${runId}/results/finalize`, { upload_id: ticket.body.upload_id }),
      ),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(new Set(answers.map((a) => a.body.event_seq)).size).toBe(1);
    const again = await worker("POST", `/worker-api/runs/${runId}/results/finalize`, {
      upload_id: ticket.body.upload_id,
    });
    expect(again.body).toEqual(answers[0]!.body);
    const { files, events } = await filed(stack, runId);
    expect(files.filter((f) => f.id === ticket.body.file_id)).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("needs no upload for a file the organization already has", async () => {
    const stack = stackOf();
    const { runId, worker } = await claimedRun(stack, "known");
    const content = randomBytes(64);
    const first = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "a.bin", content),
    );
    await put(first.body.upload_url, content);
    await worker("POST", `/worker-api/runs/${runId}/results/finalize`, { upload_id: first.body.upload_id });
    const second = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "copy/a.bin", content),
    );
    expect(second.status).toBe(201);
    expect(second.body.upload_url).toBeNull();
    const done = await worker("POST", `/worker-api/runs/${runId}/results/finalize`, {
      upload_id: second.body.upload_id,
    });
    expect(done.status).toBe(201);
    expect((await filed(stack, runId)).events.map((e) => e.path)).toEqual(["a.bin", "copy/a.bin"]);
  });

  it("refuses to finalize what was not uploaded, or not as declared, naming the field, and files nothing", async () => {
    const stack = stackOf();
    const { runId, worker } = await claimedRun(stack, "refuse");
    const finalize = (upload_id: string) =>
      worker("POST", `/worker-api/runs/${runId}/results/finalize`, { upload_id });
    const content = randomBytes(100);

    const nothing = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "n.bin", content),
    );
    const missing = await finalize(nothing.body.upload_id);
    expect(missing.status).toBe(409);
    expect(missing.body.error.details[0].path).toBe("upload_id");

    const longer = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "l.bin", content),
    );
    await put(longer.body.upload_url, Buffer.concat([content, Buffer.from("x")]));
    const sized = await finalize(longer.body.upload_id);
    expect(sized.status).toBe(400);
    expect(sized.body.error.details[0].path).toBe("bytes");
    expect((await finalize(longer.body.upload_id)).status).toBe(409); // the refused bytes were removed

    const forged = await finalize("not-a-token");
    expect(forged.status).toBe(400);
    expect(forged.body.error.details[0].path).toBe("upload_id");

    const other = await claimedRun(stack, "refuse-other");
    const foreign = await worker("POST", `/worker-api/runs/${other.runId}/results/finalize`, {
      upload_id: longer.body.upload_id,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toMatch(/another run/);

    const big = await worker("POST", `/worker-api/runs/${runId}/results/uploads`, {
      ...declare(stack, "big.bin", content),
      bytes: MAX_BYTES + 1,
    });
    expect(big.status).toBe(413);
    expect(big.body.error.details[0].path).toBe("bytes");

    const bad = await worker("POST", `/worker-api/runs/${runId}/results/uploads`, {
      ...declare(stack, ".openweights/x", content),
      sha256: "nope",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["path", "sha256"]);
    expect(await filed(stack, runId)).toEqual({ files: expect.any(Array), events: [] });
  });

  it("loses abandoned staged uploads to the sweep; their finalize or complete then answers 409 naming upload_id", async () => {
    const stack = stackOf();
    const { runId, worker } = await claimedRun(stack, "swept");
    const kept = randomBytes(40);
    const done = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "k.bin", kept),
    );
    await put(done.body.upload_url, kept);
    await worker("POST", `/worker-api/runs/${runId}/results/finalize`, { upload_id: done.body.upload_id });
    const result = randomBytes(50);
    const ticket = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "s.bin", result),
    );
    await put(ticket.body.upload_url, result);
    const admin = client(stack.url, stack.adminToken);
    const dataset = Buffer.from('{"messages":[{"role":"user","content":"hi"}]}\n');
    const upload = await admin("POST", "/api/files/uploads", {
      purpose: "conversations",
      filename: "d.jsonl",
      bytes: dataset.length,
      sha256: sha(dataset),
      org_sha256: sha(dataset, stack.orgId),
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    expect((await put(upload.body.upload_url, dataset)).status).toBe(200);

    // A day later (the stores' clocks moved back) the workers and the client are gone; a tick sweeps.
    const { store, age } = storeOf(stack);
    for (const entry of await store.list(`staging/${stack.orgId}`, { limit: 1000, offset: 0, order: "name" }))
      age(`staging/${stack.orgId}/${entry.name}`, DAY + 60);
    const swept = await sweepStaging(store, { maxAgeSeconds: DAY, limit: 100, now: Date.now() });
    expect(swept.deleted).toBeGreaterThanOrEqual(2);

    const late = await worker("POST", `/worker-api/runs/${runId}/results/finalize`, {
      upload_id: ticket.body.upload_id,
    });
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.error.details[0].path).toBe("upload_id");
    const complete = await admin("POST", `/api/files/uploads/${upload.body.file_id}/complete`, {
      upload_id: upload.body.upload_id,
    });
    expect(complete.status, JSON.stringify(complete.body)).toBe(409);
    expect(complete.body.error.details[0].path).toBe("upload_id");
    expect((await filed(stack, runId)).events.map((e) => e.path)).toEqual(["k.bin"]);
    expect((await admin("GET", `/api/files/${upload.body.file_id}`)).status).toBe(404);
    const finalized = await fetch(`${stack.url}/api/files/${done.body.file_id}/content`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(Buffer.from(await finalized.arrayBuffer())).toEqual(kept);
  });

  it("answers lease_lost once the run is over", async () => {
    const stack = stackOf();
    const { runId, worker } = await claimedRun(stack, "over");
    const content = randomBytes(10);
    const ticket = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "o.bin", content),
    );
    await put(ticket.body.upload_url, content);
    expect((await worker("POST", `/worker-api/runs/${runId}/complete`, { exit_code: 0 })).status).toBe(200);
    const late = await worker("POST", `/worker-api/runs/${runId}/results/finalize`, {
      upload_id: ticket.body.upload_id,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("lease_lost");
    const ask = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(stack, "p.bin", content),
    );
    expect(ask.body.error?.code).toBe("lease_lost");
    expect((await filed(stack, runId)).events).toEqual([]);
  });
});

describe("signed result uploads where the store can hash in place (local disk)", () => {
  it("refuses bytes whose sha256 is not the declared one, and files nothing", async () => {
    const { runId, worker } = await claimedRun(local, "hash");
    const declared = randomBytes(300);
    const ticket = await worker(
      "POST",
      `/worker-api/runs/${runId}/results/uploads`,
      declare(local, "h.bin", declared),
    );
    await put(ticket.body.upload_url, randomBytes(300));
    const done = await worker("POST", `/worker-api/runs/${runId}/results/finalize`, {
      upload_id: ticket.body.upload_id,
    });
    expect(done.status).toBe(400);
    expect(done.body.error.details[0].path).toBe("sha256");
    expect((await filed(local, runId)).events).toEqual([]);
  });

  it("kept the Storage stand-in within Storage's published schema", () => {
    expect(standIn.state.schemaViolations).toEqual([]);
    expect(standIn.state.refusals).toEqual([]);
  });
});
