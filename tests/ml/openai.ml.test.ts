// The official `openai` client drives the real thing on CPU: a fine-tune of a tiny model through
// POST /openai/v1/fine_tuning/jobs, a batch of chat requests through /batches, and chat
// completions (plain and streamed) through /chat/completions, each running as the built-in job on
// real workers with the pinned CPU stack (tests/ml/ml-stack.ts), nothing simulated.
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MlEnv, prepareMlEnv } from "./ml-env.ts";
import { type MlStack, startMlStack } from "./ml-stack.ts";
import { runPythonFlow } from "./openai-python.ts";
import { reverseRows } from "./toy-data.ts";

let env: MlEnv;
let ml: MlStack;
let openai: OpenAI;

const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 800_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await sleep(1000);
  }
}

// The flow's inputs, shared with the Python client's run of the same flow (openai_flow.py).
const trainingJsonl = () => jsonl(reverseRows(24, 31));
const fineTuneParams = () => ({
  model: env.models.qwen,
  suffix: "cpu",
  method: {
    type: "supervised" as const,
    supervised: { hyperparameters: { n_epochs: 1, batch_size: 4, learning_rate_multiplier: 50 } },
  },
  openweights: {
    requires_vram_gb: 0,
    params: {
      max_steps: 4,
      save_steps: 2,
      max_seq_length: 64,
      optim: "adamw_torch",
      warmup_steps: 0,
      backend: "transformers",
      logging_steps: 1,
    },
  },
});
const batchJsonl = () =>
  jsonl(
    ["repeat red cat tree", "repeat blue dog fish"].map((content, i) => ({
      custom_id: `q${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: env.models.llama, messages: [{ role: "user", content }], max_tokens: 6, temperature: 0 },
    })),
  );
const chatAsk = () => ({
  model: env.models.llama,
  messages: [{ role: "user" as const, content: "repeat red cat tree" }],
  max_tokens: 4,
  temperature: 0,
});
/** What the npm client's run produced, for the Python client's run to meet again. */
const npmRun: { fineTune?: string; batch?: string; reply?: OpenAI.ChatCompletion } = {};
let deployment: Awaited<ReturnType<MlStack["ow"]["api"]["deploy"]>> | undefined;

beforeAll(async () => {
  env = prepareMlEnv();
  ml = await startMlStack(env, 1);
  openai = new OpenAI({ apiKey: ml.stack.adminToken, baseURL: `${ml.stack.url}/openai/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await deployment?.down().catch(() => {});
  await ml?.stop();
});

describe("the official openai client on the CPU path", () => {
  it("fine-tunes a tiny model and reports metrics events and checkpoints", async () => {
    const file = await openai.files.create({
      file: await toFile(Buffer.from(trainingJsonl()), "train.jsonl"),
      purpose: "fine-tune",
    });
    const job = await openai.fineTuning.jobs.create({
      ...fineTuneParams(),
      training_file: file.id,
    } as OpenAI.FineTuning.JobCreateParams);
    npmRun.fineTune = job.id;
    const done = await until(
      () => openai.fineTuning.jobs.retrieve(job.id),
      (j) => ["succeeded", "failed", "cancelled"].includes(j.status),
      "the fine-tune",
    );
    expect(done.status).toBe("succeeded");
    expect(done.result_files.length).toBeGreaterThan(0);
    const events = [];
    for await (const e of openai.fineTuning.jobs.listEvents(job.id, { limit: 5 })) events.push(e);
    const metrics = events
      .filter((e) => e.type === "metrics")
      .map((e) => e.data as { step: number; train_loss: number | null });
    expect(metrics.filter((m) => m.train_loss !== null).length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)?.message).toBe(`Created fine-tuning job: ${job.id}`);
    expect(events[0]?.message).toBe("The job has successfully completed");
    const checkpoints = await openai.fineTuning.jobs.checkpoints.list(job.id);
    expect(checkpoints.data.map((c) => c.step_number)).toEqual([4, 2]);
  });

  it("runs a batch of chat requests and returns OpenAI's output file", async () => {
    const input = await openai.files.create({
      file: await toFile(Buffer.from(batchJsonl()), "batch.jsonl"),
      purpose: "batch",
    });
    const batch = await openai.batches.create({
      input_file_id: input.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      openweights: { requires_vram_gb: 0 },
    } as OpenAI.Batches.BatchCreateParams);
    npmRun.batch = batch.id;
    const done = await until(
      () => openai.batches.retrieve(batch.id),
      (b) => ["completed", "failed", "cancelled"].includes(b.status),
      "the batch",
    );
    expect(done).toMatchObject({
      status: "completed",
      request_counts: { total: 2, completed: 2, failed: 0 },
    });
    const output = (await (await openai.files.content(done.output_file_id!)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(output.map((o) => o.custom_id).sort()).toEqual(["q0", "q1"]);
    for (const o of output) {
      expect(o.response.status_code).toBe(200);
      expect(typeof o.response.body.choices[0].message.content).toBe("string");
    }
  });

  it("routes chat, plain and streamed, to the organization's running deployment", async () => {
    // Deployed with the SDK (VRAM 0: these workers are CPUs; an on-demand start guesses GPU memory
    // from the model name, which is exercised in tests/openai/batches-models-chat.test.ts).
    deployment = await ml.ow.api.deploy(env.models.llama, {}, { requiresVramGb: 0, maxAttempts: 1 });
    await deployment.up({ timeout: 800_000 });
    expect((await openai.models.list()).data.map((m) => m.id)).toContain(env.models.llama);
    const reply = await openai.chat.completions.create(chatAsk());
    npmRun.reply = reply;
    expect(reply.object).toBe("chat.completion");
    expect(typeof reply.choices[0]?.message.content).toBe("string");
    const stream = await openai.chat.completions.create({
      ...chatAsk(),
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      streamed += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    // Greedy decoding: the streamed answer is the plain one, in chunks.
    expect(streamed).toBe(reply.choices[0]?.message.content);
    expect(finish).toBe(reply.choices[0]?.finish_reason);
    expect(usage?.total_tokens).toBe(reply.usage?.total_tokens);
  });

  it("runs the same flow with the official Python client", async () => {
    // The Python client's creates carry the same content as the npm client's, so creation's
    // content addressing hands back the same fine-tune and batch (no second training run: the
    // suite's added time is the client's own requests); chat goes to the deployment again.
    const seen = runPythonFlow(ml.stack.url, ml.stack.adminToken, {
      training: trainingJsonl(),
      fine_tune: fineTuneParams(),
      batch: batchJsonl(),
      chat: chatAsk(),
    });
    expect(seen.fine_tune).toEqual({
      id: npmRun.fineTune,
      status: "succeeded",
      result_files: expect.any(Number),
      metrics_with_loss: expect.any(Number),
      first_event: "The job has successfully completed",
      last_event: `Created fine-tuning job: ${npmRun.fineTune}`,
      checkpoint_steps: [4, 2],
    });
    expect(seen.fine_tune.result_files).toBeGreaterThan(0);
    expect(seen.fine_tune.metrics_with_loss).toBeGreaterThanOrEqual(3);
    expect(seen.batch).toEqual({
      id: npmRun.batch,
      status: "completed",
      counts: { total: 2, completed: 2, failed: 0 },
      custom_ids: ["q0", "q1"],
      status_codes: [200, 200],
    });
    const reply = npmRun.reply!;
    expect(seen.chat).toEqual({
      models: expect.arrayContaining([env.models.llama]),
      object: "chat.completion",
      content: reply.choices[0]?.message.content, // greedy decoding: the npm client's answer
      finish_reason: reply.choices[0]?.finish_reason,
      total_tokens: reply.usage?.total_tokens,
      streamed: reply.choices[0]?.message.content,
      streamed_finish_reason: reply.choices[0]?.finish_reason,
      streamed_total_tokens: reply.usage?.total_tokens,
    });
    await deployment?.down();
    deployment = undefined;
  });
});
