/**
 * Integration scenarios against a live stack, for the lead's test file to call (they are not
 * vitest tests themselves). Each takes `{ baseURL, apiKey }` — an admin `ow_…` token — and
 * throws on the first broken expectation. Usage:
 *
 *   import { ALL_SCENARIOS } from "../../sdk/test/integration/scenarios.ts";
 *   const target = { baseURL: process.env.OW_IT_API_URL!, apiKey: process.env.OW_IT_API_KEY! };
 *   for (const [name, scenario] of Object.entries(ALL_SCENARIOS)) it(name, () => scenario(target));
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  BadRequestError,
  ConflictError,
  FileValidationError,
  NotFoundError,
  OpenWeights,
} from "../../src/node/index.ts";

export interface Target {
  baseURL: string;
  apiKey: string;
}

const client = (t: Target) => new OpenWeights({ apiKey: t.apiKey, baseURL: t.baseURL });

/** Token exchange works and the JWT is reused: two calls, one organization. */
export async function authAndMe(t: Target): Promise<void> {
  const ow = client(t);
  const me = await ow.me();
  assert.equal(typeof me.organization.id, "string");
  assert.equal((await ow.me()).organization.id, me.organization.id);
}

/** The same bytes give the same content-addressed id; content and metadata round-trip. */
export async function filesRoundTrip(t: Target): Promise<void> {
  const ow = client(t);
  const text = `${JSON.stringify({ text: randomBytes(8).toString("hex") })}\n`;
  const bytes = new TextEncoder().encode(text);
  const a = await ow.files.create({ file: bytes, purpose: "conversations", filename: "a.jsonl" });
  const b = await ow.files.create({ file: bytes, purpose: "conversations", filename: "a.jsonl" });
  assert.equal(a.id, b.id);
  assert.match(a.id, /^conversations:file-[0-9a-f]{12}$/);
  assert.equal(await (await ow.files.content(a.id)).text(), text);
  assert.equal((await ow.files.retrieve(a.id)).bytes, bytes.byteLength);
  const big = randomBytes(64 * 1024);
  const viaSignedUrl = await ow.files.create({
    file: big,
    purpose: "result",
    filename: "r.bin",
    largeFileThreshold: 1,
  });
  const again = await ow.files.create({
    file: big,
    purpose: "result",
    filename: "r.bin",
    largeFileThreshold: 1,
  });
  assert.equal(viaSignedUrl.id, again.id);
}

/** Invalid datasets are refused locally, and by the server when local checks are skipped. */
export async function datasetValidation(t: Target): Promise<void> {
  const ow = client(t);
  const bad = new TextEncoder().encode('{"text":"ok"}\n{"messages":"no"}\n');
  await assert.rejects(ow.files.create({ file: bad, purpose: "conversations" }), FileValidationError);
  await assert.rejects(
    ow.files.create({ file: bad, purpose: "conversations", validate: false }),
    (e: unknown) => {
      assert.ok(e instanceof BadRequestError || (e as { status?: number }).status === 422);
      return true;
    },
  );
}

/** Submitting twice returns one job; find, list, cancel, restart and the 409 on a terminal cancel. */
export async function jobLifecycle(t: Target): Promise<void> {
  const ow = client(t);
  const family = ow.register({
    type: "sdk-it",
    params: z.object({ nonce: z.string() }),
    // An image no worker runs: the job must stay unclaimed while the scenario inspects it.
    image: "openweights/no-worker:0",
    requiresVramGb: 0,
    mount: { "hello.py": new TextEncoder().encode("print('hello')\n") },
    entrypoint: ["python", "hello.py"],
  });
  const nonce = randomBytes(6).toString("hex");
  const first = await family.create({ nonce });
  const second = await family.create({ nonce });
  assert.equal(first.id, second.id);
  assert.match(first.id, /^sdk-it-[0-9a-f]{12}$/);
  assert.deepEqual(first.params, { nonce });
  const found = await ow.jobs.find({ nonce });
  assert.ok(found.data.some((j) => j.id === first.id));
  const listed: string[] = [];
  for await (const job of family.list({ limit: 1 })) {
    listed.push(job.id);
    if (listed.length >= 3) break;
  }
  assert.ok(listed.length >= 1);
  const canceled = await ow.jobs.cancel(first.id);
  assert.equal(canceled.status, "canceled");
  await assert.rejects(ow.jobs.cancel(first.id), ConflictError);
  assert.equal((await ow.jobs.restart(first.id)).status, "pending");
  await ow.jobs.cancel(first.id);
  assert.deepEqual(await ow.runs.list(first.id), []);
}

/** Unknown ids are 404s with a request id. */
export async function notFound(t: Target): Promise<void> {
  const error = await client(t)
    .jobs.retrieve("nothing-000000000000")
    .catch((e: unknown) => e);
  assert.ok(error instanceof NotFoundError);
  assert.ok(error.requestID);
}

/** Secrets: names only come back. Tokens: create, use, revoke. */
export async function secretsAndTokens(t: Target): Promise<void> {
  const ow = client(t);
  const name = `SDK_IT_${randomBytes(3).toString("hex").toUpperCase()}`;
  await ow.secrets.set(name, "value");
  const names: string[] = [];
  for await (const s of ow.secrets.list()) names.push(s.name);
  assert.ok(names.includes(name));
  await ow.secrets.delete(name);
  const token = await ow.tokens.create({ name: "sdk-it", role: "member", expires_in_days: 1 });
  const member = new OpenWeights({ apiKey: token.token, baseURL: t.baseURL });
  assert.equal((await member.me()).role, "member");
  await ow.tokens.revoke(token.id);
  await assert.rejects(new OpenWeights({ apiKey: token.token, baseURL: t.baseURL }).me());
}

/**
 * Needs a running worker: a job runs to completion, its logs follow to the end, and an event it
 * wrote shows in events.latest.
 */
export async function jobRunsWithWorker(t: Target): Promise<void> {
  const ow = client(t);
  const family = ow.register({
    type: "sdk-it-run",
    params: z.object({ nonce: z.string() }),
    image: "python:3.12-slim",
    requiresVramGb: 0,
    mount: {
      "main.py": new TextEncoder().encode(
        "import json, os\np = json.load(open('params.json'))\nprint('nonce', p['nonce'])\nopen(os.environ['OPENWEIGHTS_EVENTS'], 'a').write(json.dumps({'done': p['nonce']}) + '\\n')\n",
      ),
    },
    entrypoint: ["python3", "main.py"],
  });
  const nonce = randomBytes(6).toString("hex");
  const job = await family.create({ nonce });
  const lines: string[] = [];
  for await (const line of ow.logs.follow(job.id)) lines.push(line.text);
  const final = await ow.jobs.wait(job.id, { pollInterval: 500, timeout: 120_000 });
  assert.equal(final.status, "completed");
  assert.ok(lines.some((l) => l.includes(nonce)));
  assert.equal((await ow.events.latest(job.id, ["done"])).done, nonce);
}

/** `{job_id}` in a fine-tune's model name is the id of the job the server stored (filled in by the database). */
export async function modelNamedAfterItsJob(t: Target): Promise<void> {
  const ow = client(t);
  const row = {
    messages: [
      { role: "user", content: randomBytes(6).toString("hex") },
      { role: "assistant", content: "ok" },
    ],
  };
  const data = await ow.files.create({
    file: new TextEncoder().encode(`${JSON.stringify(row)}\n`),
    purpose: "conversations",
    filename: "named.jsonl",
  });
  const request = {
    model: "Qwen/Qwen3-0.6B",
    training_file: data.id,
    loss: "sft" as const,
    finetuned_model_id: "my-org/{model_name}-{job_id}",
  };
  const job = await ow.fineTuning.create(request);
  try {
    assert.equal(job.params.finetuned_model_id, `my-org/Qwen3-0.6B-${job.id}`);
    const again = await ow.fineTuning.create(request);
    assert.equal(again.id, job.id);
    assert.equal(again.params.finetuned_model_id, `my-org/Qwen3-0.6B-${job.id}`);
  } finally {
    await ow.jobs.cancel(job.id);
  }
}

/** Scenarios that need only the API (no worker). */
export const API_SCENARIOS = {
  authAndMe,
  filesRoundTrip,
  datasetValidation,
  jobLifecycle,
  notFound,
  secretsAndTokens,
  modelNamedAfterItsJob,
};
export const ALL_SCENARIOS = { ...API_SCENARIOS, jobRunsWithWorker };
