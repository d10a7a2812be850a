// batches, models and chat.completions through the official client. The jobs' workers are
// simulated in SQL here (a completed inference run, a serving run that reported api_ready); the
// real jobs run in real-flow.test.ts.
import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestStack, type TestStack } from "../support/stack.ts";
import { type FakeDeployment, startFakeDeployment } from "./fake-deployment.ts";
import { jsonl, openaiClient, upload, writtenRows } from "./support.ts";

let stack: TestStack;
let openai: OpenAI;
let fake: FakeDeployment;

beforeAll(async () => {
  stack = await startTestStack();
  openai = openaiClient(stack);
  fake = await startFakeDeployment("dep-key-123");
}, 120_000);
afterAll(async () => {
  await fake?.close();
  await stack?.stop();
});

const request = (id: string, content: string, extra: Record<string, unknown> = {}) => ({
  custom_id: id,
  method: "POST",
  url: "/v1/chat/completions",
  body: {
    model: "Qwen/Qwen3-0.6B",
    messages: [{ role: "user", content }],
    max_tokens: 16,
    temperature: 0,
    ...extra,
  },
});

/** What a worker running the inference job would leave: results.jsonl, a `file` event, completion. */
async function completeInference(jobId: string, completions: Record<string, string>) {
  const rows = Object.entries(completions).map(([custom_id, completion]) => ({
    custom_id,
    completion,
    logprobs: null,
  }));
  const api = client(stack.url, stack.adminToken);
  const uploaded = await api("POST", "/api/files?purpose=result&filename=results.jsonl", jsonl(rows));
  const sql = stack.db.sql;
  const [run] =
    await sql`insert into public.runs (job_id, organization_id, worker_id, attempt, status, lease_expires_at, finished_at)
    values (${jobId}, ${stack.orgId}, 'w-sim', 1, 'completed', now(), now()) returning id`;
  await sql`insert into public.events (run_id, job_id, organization_id, seq, type, data) values
    (${run!.id}, ${jobId}, ${stack.orgId}, 0, 'file', ${sql.json({ type: "file", file_id: uploaded.body.id, path: "results.jsonl" })})`;
  await sql`update public.jobs set status = 'completed', started_at = now(), finished_at = now() where id = ${jobId}`;
}

async function servingDeployment(model: string, id: string) {
  const sql = stack.db.sql;
  await sql`insert into public.jobs (id, organization_id, type, status, image, entrypoint, params, started_at, worker_id)
    values (${id}, ${stack.orgId}, 'api', 'in_progress', 'openweights/ow-vllm', '{python3,serve/serve.py}',
      ${sql.json({ model, lora_adapters: [] })}, now(), 'w-serve')`;
  const [run] =
    await sql`insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
    values (${id}, ${stack.orgId}, 'w-serve', 1, now() + interval '1 hour') returning id`;
  await sql`insert into public.events (run_id, job_id, organization_id, seq, type, data) values
    (${run!.id}, ${id}, ${stack.orgId}, 0, 'api_ready', ${sql.json({ type: "api_ready", base_url: fake.baseURL, api_key: fake.apiKey })})`;
}

describe("batches", () => {
  it("runs a batch as an inference job and assembles OpenAI's output and error files", async () => {
    const input = await upload(
      openai,
      jsonl([request("a", "one"), request("b", "two"), request("c", "three")]),
      "batch",
      "in.jsonl",
    );
    expect(input).toMatchObject({ purpose: "batch" });
    const batch = await openai.batches.create({
      input_file_id: input.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { run: "nightly" },
    });
    expect(batch).toMatchObject({
      object: "batch",
      status: "validating",
      input_file_id: input.id,
      endpoint: "/v1/chat/completions",
      request_counts: { total: 3, completed: 0, failed: 0 },
      metadata: { run: "nightly" },
      output_file_id: null,
    });
    const [job] = await stack.db.sql`select type, params, entrypoint from public.jobs where id = ${batch.id}`;
    expect(job).toMatchObject({ type: "inference", entrypoint: ["python3", "inference/run_inference.py"] });
    expect(job!.params).toMatchObject({ model: "Qwen/Qwen3-0.6B", max_tokens: 16, temperature: 0 });
    const again = await openai.batches.create({
      input_file_id: input.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(again.id).toBe(batch.id);

    await completeInference(batch.id, { a: "ONE", c: "THREE" });
    const done = await openai.batches.retrieve(batch.id);
    expect(done).toMatchObject({
      status: "completed",
      request_counts: { total: 3, completed: 2, failed: 1 },
    });
    const output = (await (await openai.files.content(done.output_file_id!)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(
      output.map((l) => [l.custom_id, l.response.status_code, l.response.body.choices[0].message.content]),
    ).toEqual([
      ["a", 200, "ONE"],
      ["c", 200, "THREE"],
    ]);
    expect(output[0].response.body).toMatchObject({ object: "chat.completion", model: "Qwen/Qwen3-0.6B" });
    const errors = (await (await openai.files.content(done.error_file_id!)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(errors).toEqual([
      expect.objectContaining({
        custom_id: "b",
        response: null,
        error: expect.objectContaining({ code: "no_output" }),
      }),
    ]);
    expect((await openai.files.retrieve(done.output_file_id!)).purpose).toBe("batch_output");
    expect(await openai.batches.retrieve(batch.id)).toEqual(done);
  });

  it("lists batches over several pages and cancels one", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const input = await upload(openai, jsonl([request(`x${n}`, `page ${n}`)]), "batch", `p${n}.jsonl`);
      ids.push(
        (
          await openai.batches.create({
            input_file_id: input.id,
            endpoint: "/v1/chat/completions",
            completion_window: "24h",
          })
        ).id,
      );
    }
    const seen: string[] = [];
    for await (const b of openai.batches.list({ limit: 2 })) seen.push(b.id);
    for (const id of ids) expect(seen).toContain(id);
    const cancelled = await openai.batches.cancel(ids[0]!);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancelled_at).not.toBeNull();
    await expect(openai.batches.cancel(ids[0]!)).rejects.toBeInstanceOf(OpenAI.ConflictError);
  });

  it("refuses a batch whose lines differ in model or sampling, naming input_file_id, and writes nothing", async () => {
    for (const lines of [
      [request("a", "x"), request("b", "y", { model: "Qwen/Other" })],
      [request("a", "x"), request("b", "y", { temperature: 0.5 })],
      [request("a", "x"), request("a", "y")],
      [{ ...request("a", "x"), url: "/v1/embeddings" }],
    ]) {
      const input = await upload(openai, jsonl(lines), "batch", "bad.jsonl");
      const before = await writtenRows(stack);
      const error = await openai.batches
        .create({ input_file_id: input.id, endpoint: "/v1/chat/completions", completion_window: "24h" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as APIError).param).toBe("input_file_id");
      expect((error as APIError).message).toMatch(/line 2|line 1/);
      expect(await writtenRows(stack)).toEqual(before);
    }
  });
});

describe("models and chat completions", () => {
  it("routes chat to the running deployment with its key, streamed and not", async () => {
    await servingDeployment("Qwen/Qwen3-0.6B", "api-000000000001");
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain("Qwen/Qwen3-0.6B");
    expect(await openai.models.retrieve("Qwen/Qwen3-0.6B")).toMatchObject({
      object: "model",
      owned_by: stack.orgId,
    });
    await expect(openai.models.retrieve("nobody/nothing")).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const reply = await openai.chat.completions.create({
      model: "Qwen/Qwen3-0.6B",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(reply.choices[0]!.message.content).toBe("echo: hello");
    expect(fake.requests.at(-1)).toMatchObject({
      authorization: "Bearer dep-key-123",
      body: { model: "Qwen/Qwen3-0.6B" },
    });

    const stream = await openai.chat.completions.create({
      model: "Qwen/Qwen3-0.6B",
      messages: [{ role: "user", content: "streamed words" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("echo: streamed words");
    expect(chunks).toBeGreaterThan(3);
  });

  it("answers 404 naming model without a deployment, and starts one on demand where the organization allows it", async () => {
    const error = await openai.chat.completions
      .create({ model: "Qwen/Qwen3-1.7B", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as APIError).param).toBe("model");

    await stack.db
      .sql`update public.organization_limits set on_demand_serving = true where organization_id = ${stack.orgId}`;
    const starting = await openai.chat.completions
      .create({ model: "Qwen/Qwen3-1.7B", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(starting).toBeInstanceOf(OpenAI.InternalServerError);
    expect((starting as APIError).status).toBe(503);
    expect((starting as APIError).headers?.get("retry-after")).toBe("20");
    const deployments = await stack.db
      .sql`select params, status from public.jobs where type = 'api' and params ->> 'model' = 'Qwen/Qwen3-1.7B'`;
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.status).toBe("pending");
    // asking again neither starts a second one nor fails differently
    await openai.chat.completions
      .create({ model: "Qwen/Qwen3-1.7B", messages: [{ role: "user", content: "hi" }] })
      .catch(() => {});
    expect(
      await stack.db
        .sql`select 1 from public.jobs where type = 'api' and params ->> 'model' = 'Qwen/Qwen3-1.7B'`,
    ).toHaveLength(1);
    expect((await openai.models.list()).data.map((m) => m.id)).toContain("Qwen/Qwen3-1.7B");
  });

  it("refuses a chat request without messages, naming the field", async () => {
    const error = await openai.chat.completions
      .create({ model: "Qwen/Qwen3-0.6B", messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe("messages");
  });
});
