// The official client retries POSTs after 429/5xx and lost responses (it sends no Idempotency-Key).
// A create whose answer was lost and retried must give back the same job, not a second one.
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { jsonl, openaiClient, SFT_ROWS, upload, writtenRows } from "./support.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => stack?.stop());

/** A fetch that lets the server handle the first `n` matching requests but answers them with `status`. */
function losingFetch(match: (url: string, init?: RequestInit) => boolean, n: number, status: number) {
  const seen: { url: string; retryCount: string | null }[] = [];
  let lost = 0;
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith("http"))
      seen.push({ url, retryCount: new Headers(init?.headers).get("x-stainless-retry-count") });
    const response = await fetch(input, init);
    if (lost < n && match(url, init)) {
      lost++;
      await response.arrayBuffer();
      return new Response(
        JSON.stringify({ error: { message: "lost", type: "server_error", param: null, code: null } }),
        {
          status,
          headers: { "content-type": "application/json", "retry-after-ms": "10" },
        },
      );
    }
    return response;
  };
  return { fetch: wrapped as typeof fetch, seen };
}

it("a create retried after a 503 that hid a success returns the same job and writes one", async () => {
  const openai = openaiClient(stack);
  const training = await upload(openai, jsonl(SFT_ROWS));
  const before = await writtenRows(stack);
  const lossy = losingFetch(
    (url, init) => init?.method === "POST" && url.endsWith("/fine_tuning/jobs"),
    2,
    503,
  );
  const retrying = openaiClient(stack, stack.adminToken, { maxRetries: 2, fetch: lossy.fetch });
  const job = await retrying.fineTuning.jobs.create({ model: "Qwen/Qwen3-0.6B", training_file: training.id });
  expect(lossy.seen.map((s) => s.retryCount)).toEqual(["0", "1", "2"]);
  // (the first fine-tune of an organization also stores the job scripts it mounts)
  expect((await writtenRows(stack)).jobs).toBe(before.jobs + 1);
  expect((await openai.fineTuning.jobs.list()).data.map((j) => j.id)).toContain(job.id);
});

it("an upload retried after a 429 stores the file once", async () => {
  const before = await writtenRows(stack);
  const lossy = losingFetch((url, init) => init?.method === "POST" && url.endsWith("/files"), 1, 429);
  const retrying = openaiClient(stack, stack.adminToken, { maxRetries: 1, fetch: lossy.fetch });
  const file = await upload(retrying, jsonl([{ text: "retried upload" }]));
  expect(lossy.seen).toHaveLength(2);
  expect(await writtenRows(stack)).toEqual({ ...before, files: before.files + 1 });
  expect((await openaiClient(stack).files.retrieve(file.id)).id).toBe(file.id);
});

it("gives up with the error class of the last answer when retries run out", async () => {
  const lossy = losingFetch((_url, init) => init?.method === undefined || init.method === "GET", 5, 503);
  const retrying = openaiClient(stack, stack.adminToken, { maxRetries: 1, fetch: lossy.fetch });
  await expect(retrying.files.list()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  expect(lossy.seen).toHaveLength(2);
});

it("an Idempotency-Key returns what it made, even after a cancel, and refuses another request", async () => {
  const openai = openaiClient(stack);
  const training = await upload(openai, jsonl([{ text: "idempotent" }]));
  const body = { model: "Qwen/Qwen3-0.6B", training_file: training.id, suffix: "idem" };
  const keyed = { headers: { "Idempotency-Key": "create-42" } };
  const job = await openai.fineTuning.jobs.create(body, keyed);
  await openai.fineTuning.jobs.cancel(job.id);
  const replayed = await openai.fineTuning.jobs.create(body, keyed);
  expect(replayed).toMatchObject({ id: job.id, status: "cancelled" });
  // without a key the same content is the same job, and a cancelled one is queued again
  expect(await openai.fineTuning.jobs.create(body)).toMatchObject({ id: job.id, status: "queued" });
  const other = await openai.fineTuning.jobs.create({ ...body, seed: 1 }, keyed).catch((e: unknown) => e);
  expect(other).toBeInstanceOf(OpenAI.ConflictError);
  const malformed = await openai.fineTuning.jobs
    .create(body, { headers: { "Idempotency-Key": "has space" } })
    .catch((e: unknown) => e);
  expect(malformed).toBeInstanceOf(OpenAI.BadRequestError);
  expect((malformed as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("Idempotency-Key");
});

it("an Idempotency-Key on an upload returns the first file and refuses other bytes", async () => {
  const openai = openaiClient(stack);
  const keyed = { headers: { "Idempotency-Key": "upload-1" } };
  const first = await openai.files.create(
    { file: await toFile(Buffer.from(jsonl([{ text: "a" }])), "a.jsonl"), purpose: "fine-tune" },
    keyed,
  );
  const again = await openai.files.create(
    { file: await toFile(Buffer.from(jsonl([{ text: "a" }])), "a.jsonl"), purpose: "fine-tune" },
    keyed,
  );
  expect(again.id).toBe(first.id);
  const other = await openai.files
    .create(
      { file: await toFile(Buffer.from(jsonl([{ text: "b" }])), "a.jsonl"), purpose: "fine-tune" },
      keyed,
    )
    .catch((e: unknown) => e);
  expect(other).toBeInstanceOf(OpenAI.ConflictError);
});
