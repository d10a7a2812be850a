// The official `openai` client drives files and fine_tuning.jobs against the real stack (Postgres,
// the Deno gateway, the openai function).
import OpenAI, { type APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { jsonl, mintToken, openaiClient, PREFERENCE_ROWS, SFT_ROWS, upload, writtenRows } from "./support.ts";

let stack: TestStack;
let openai: OpenAI;

beforeAll(async () => {
  stack = await startTestStack();
  openai = openaiClient(stack);
}, 120_000);
afterAll(async () => stack?.stop());

describe("files through the official client", () => {
  it("uploads a fine-tune file, lists, retrieves, reads and deletes it", async () => {
    const text = jsonl(SFT_ROWS);
    const file = await upload(openai, text);
    expect(file).toMatchObject({
      object: "file",
      purpose: "fine-tune",
      filename: "train.jsonl",
      status: "processed",
    });
    expect(file.bytes).toBe(Buffer.byteLength(text));
    expect(file.id).toMatch(/^conversations:file-[0-9a-f]{12}$/);
    expect((await upload(openai, text)).id).toBe(file.id);

    expect(await openai.files.retrieve(file.id)).toEqual(file);
    const listed = await openai.files.list({ purpose: "fine-tune" });
    expect(listed.data.map((f) => f.id)).toContain(file.id);
    expect((await openai.files.list({ purpose: "batch" })).data.map((f) => f.id)).not.toContain(file.id);
    expect(await (await openai.files.content(file.id)).text()).toBe(text);

    expect(await openai.files.delete(file.id)).toEqual({ id: file.id, object: "file", deleted: true });
    await expect(openai.files.retrieve(file.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("stores a preference file as our `preference` purpose", async () => {
    const file = await upload(openai, jsonl(PREFERENCE_ROWS), "fine-tune", "dpo.jsonl");
    expect(file.id).toMatch(/^preference:file-/);
    expect(file.purpose).toBe("fine-tune");
  });

  it("refuses an invalid dataset with the line, and writes nothing", async () => {
    const before = await writtenRows(stack);
    const error = await upload(openai, '{"messages": []}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).message).toMatch(/line 1/);
    expect((error as APIError).param).toBe("line 1");
    expect(await writtenRows(stack)).toEqual(before);
  });

  it("pages through more files than one page with for await", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++)
      ids.add((await upload(openai, jsonl([{ text: `page ${i}` }]), "fine-tune", `p${i}.jsonl`)).id);
    const seen: string[] = [];
    for await (const f of openai.files.list({ limit: 2 })) seen.push(f.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});

describe("fine_tuning.jobs through the official client", () => {
  it("creates a job from OpenAI fields, returns the same job on a retried create, retrieves and lists it", async () => {
    const training = await upload(openai, jsonl(SFT_ROWS));
    const body = {
      model: "Qwen/Qwen3-0.6B",
      training_file: training.id,
      suffix: "try1",
      seed: 7,
      metadata: { team: "alignment" },
      method: {
        type: "supervised" as const,
        supervised: { hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 2 } },
      },
      openweights: { params: { r: 8, max_seq_length: 512 } },
    };
    const job = await openai.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams);
    expect(job).toMatchObject({
      object: "fine_tuning.job",
      model: "Qwen/Qwen3-0.6B",
      status: "queued",
      training_file: training.id,
      validation_file: null,
      seed: 7,
      metadata: { team: "alignment" },
      user_provided_suffix: "try1",
      fine_tuned_model: null,
      organization_id: stack.orgId,
    });
    expect(job.id).toMatch(/^fine-tuning-[0-9a-f]{12}-try1$/);
    expect(job.hyperparameters).toEqual({ batch_size: 4, learning_rate_multiplier: 2, n_epochs: 2 });
    expect(job.method?.type).toBe("supervised");

    const [row] = await stack.db
      .sql`select params, mounts, image, entrypoint from public.jobs where id = ${job.id}`;
    expect(row!.params).toMatchObject({
      loss: "sft",
      epochs: 2,
      per_device_train_batch_size: 4,
      learning_rate: 2e-4,
      r: 8,
    });
    expect(row!.entrypoint).toEqual(["python3", "training/train.py"]);
    expect(Object.keys(row!.mounts as object)).toContain("training/train.py");

    expect((await openai.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams)).id).toBe(job.id);
    expect(await openai.fineTuning.jobs.retrieve(job.id)).toEqual(job);
    const byMeta = await openai.fineTuning.jobs.list({ metadata: { team: "alignment" } });
    expect(byMeta.data.map((j) => j.id)).toEqual([job.id]);
    expect((await openai.fineTuning.jobs.list({ metadata: { team: "other" } })).data).toEqual([]);
  });

  it("cancels a job; its events say so, newest first", async () => {
    const training = await upload(openai, jsonl([{ text: "cancel me" }]));
    const job = await openai.fineTuning.jobs.create({ model: "Qwen/Qwen3-0.6B", training_file: training.id });
    const cancelled = await openai.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.finished_at).not.toBeNull();
    const events = await openai.fineTuning.jobs.listEvents(job.id);
    expect(events.data.map((e) => e.message)).toEqual([
      "The job was cancelled",
      `Created fine-tuning job: ${job.id}`,
    ]);
    const again = await openai.fineTuning.jobs.cancel(job.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(OpenAI.ConflictError);
  });

  it("runs DPO on a preference file and refuses it on a conversations file, naming training_file", async () => {
    const preference = await upload(openai, jsonl(PREFERENCE_ROWS), "fine-tune", "dpo.jsonl");
    const dpo = await openai.fineTuning.jobs.create({
      model: "Qwen/Qwen3-0.6B",
      training_file: preference.id,
      method: { type: "dpo", dpo: { hyperparameters: { beta: 0.2 } } },
    });
    expect(dpo.method).toMatchObject({ type: "dpo", dpo: { hyperparameters: { beta: 0.2 } } });
    const conversations = await upload(openai, jsonl(SFT_ROWS));
    const before = await writtenRows(stack);
    const error = await openai.fineTuning.jobs
      .create({ model: "Qwen/Qwen3-0.6B", training_file: conversations.id, method: { type: "dpo" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe("training_file");
    expect(await writtenRows(stack)).toEqual(before);
  });

  it("shows metrics events and checkpoints in OpenAI's shapes", async () => {
    const training = await upload(openai, jsonl([{ text: "metrics" }]));
    const job = await openai.fineTuning.jobs.create({
      model: "Qwen/Qwen3-0.6B",
      training_file: training.id,
      suffix: "m",
    });
    // A run that emitted what the training script emits (sdk/job-scripts/training/callbacks.py).
    const [run] = await stack.db
      .sql`insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
      values (${job.id}, ${stack.orgId}, 'w-test', 1, now() + interval '1 minute') returning id`;
    const events = [
      { type: "metrics", tag: "train", step: 1, loss: 2.5, learning_rate: 1e-4 },
      { type: "checkpoint", step: 1, path: "tmp/checkpoint-1" },
      { type: "metrics", tag: "eval", step: 2, eval_loss: 1.75 },
    ];
    for (const [seq, data] of events.entries())
      await stack.db.sql`insert into public.events (run_id, job_id, organization_id, seq, type, data)
        values (${run!.id}, ${job.id}, ${stack.orgId}, ${seq}, ${data.type}, ${stack.db.sql.json(data)})`;
    const listed = await openai.fineTuning.jobs.listEvents(job.id, { limit: 10 });
    const metrics = listed.data.filter((e) => e.type === "metrics");
    expect(metrics.map((e) => e.data)).toEqual([
      expect.objectContaining({ step: 2, valid_loss: 1.75, full_valid_loss: 1.75, train_loss: null }),
      expect.objectContaining({ step: 1, train_loss: 2.5, valid_loss: null }),
    ]);
    const checkpoints = await openai.fineTuning.jobs.checkpoints.list(job.id);
    expect(checkpoints.data).toEqual([
      expect.objectContaining({
        object: "fine_tuning.job.checkpoint",
        step_number: 1,
        fine_tuning_job_id: job.id,
        fine_tuned_model_checkpoint: `${job.id}:ckpt-step-1`,
        metrics: expect.objectContaining({ step: 1, train_loss: 2.5 }),
      }),
    ]);
    const seen: string[] = [];
    for await (const e of openai.fineTuning.jobs.listEvents(job.id, { limit: 2 })) seen.push(e.id);
    expect(seen).toEqual(listed.data.map((e) => e.id));
  });

  it("pages jobs with for await over more than one page", async () => {
    const made = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const f = await upload(openai, jsonl([{ text: `job ${i}` }]));
      made.add((await openai.fineTuning.jobs.create({ model: "Qwen/Qwen3-0.6B", training_file: f.id })).id);
    }
    const seen: string[] = [];
    for await (const j of openai.fineTuning.jobs.list({ limit: 2 })) seen.push(j.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
  });
});

describe("errors the client maps to its classes", () => {
  it("NotFoundError, AuthenticationError, PermissionDeniedError", async () => {
    await expect(openai.fineTuning.jobs.retrieve("fine-tuning-000000000000")).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    const stranger = openaiClient(stack, "ow_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    await expect(stranger.files.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const worker = openaiClient(stack, await mintToken(stack, "worker"));
    await expect(worker.files.list()).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    const member = openaiClient(stack, await mintToken(stack, "member"));
    expect(Array.isArray((await member.files.list()).data)).toBe(true);
  });

  it("answers unknown routes with OpenAI's error envelope", async () => {
    const res = await fetch(`${stack.url}/openai/v1/nope`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { message: expect.any(String), type: "not_found_error", param: null, code: "not_found" },
    });
  });
});
