// Every openai endpoint refuses malformed input with a 4xx in OpenAI's error envelope whose
// `param` names the field, writes nothing, and never answers 5xx.
import OpenAI, { type BadRequestError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIErrorBody } from "../../supabase/functions/_shared/contract/openai/common.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { jsonl, openaiClient, SFT_ROWS, upload, writtenRows } from "./support.ts";

interface Case {
  name: string;
  method: string;
  path: string;
  body?: BodyInit | object;
  headers?: Record<string, string>;
  status: number;
  param: string | null;
}

let stack: TestStack;
let fileId: string;
let jobId: string;
let batchId: string;
let badBatchId: string;

beforeAll(async () => {
  stack = await startTestStack();
  const openai = openaiClient(stack);
  fileId = (await upload(openai, jsonl(SFT_ROWS))).id;
  jobId = (await openai.fineTuning.jobs.create({ model: "Qwen/Qwen3-0.6B", training_file: fileId })).id;
  const line = {
    custom_id: "a",
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: "Qwen/Qwen3-0.6B", messages: [{ role: "user", content: "hi" }] },
  };
  batchId = (await upload(openai, jsonl([line]), "batch", "in.jsonl")).id;
  badBatchId = (await upload(openai, "not json\n", "batch", "bad.jsonl")).id;
}, 120_000);
afterAll(async () => stack?.stop());

function form(fields: Record<string, string>, file?: string, name = "x.jsonl"): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file !== undefined) f.append("file", new Blob([file]), name);
  return f;
}

function ft(body: Record<string, unknown>): object {
  return { model: "Qwen/Qwen3-0.6B", training_file: fileId, ...body };
}

function batch(body: Record<string, unknown>): object {
  return { input_file_id: batchId, endpoint: "/v1/chat/completions", completion_window: "24h", ...body };
}

function cases(): Case[] {
  const job = `/fine_tuning/jobs/${jobId}`;
  return [
    {
      name: "upload as JSON",
      method: "POST",
      path: "/files",
      body: { purpose: "fine-tune" },
      status: 415,
      param: null,
    },
    {
      name: "upload without file",
      method: "POST",
      path: "/files",
      body: form({ purpose: "fine-tune" }),
      status: 400,
      param: "file",
    },
    {
      name: "upload without purpose",
      method: "POST",
      path: "/files",
      body: form({}, "{}"),
      status: 400,
      param: "purpose",
    },
    {
      name: "upload with an unknown purpose",
      method: "POST",
      path: "/files",
      body: form({ purpose: "vision" }, "{}"),
      status: 400,
      param: "purpose",
    },
    {
      name: "upload with an unknown field",
      method: "POST",
      path: "/files",
      body: form({ purpose: "fine-tune", colour: "red" }, jsonl(SFT_ROWS)),
      status: 400,
      param: "colour",
    },
    {
      name: "upload of a non-JSON line",
      method: "POST",
      path: "/files",
      body: form({ purpose: "fine-tune" }, "not json\n"),
      status: 400,
      param: "line 1",
    },
    {
      name: "upload of a bad second row",
      method: "POST",
      path: "/files",
      body: form({ purpose: "fine-tune" }, `${jsonl(SFT_ROWS)}{"messages":[{"role":"x","content":"y"}]}\n`),
      status: 400,
      param: "line 3",
    },
    {
      name: "upload with a path as file name",
      method: "POST",
      path: "/files",
      body: form({ purpose: "fine-tune" }, jsonl(SFT_ROWS), "a/b"),
      status: 400,
      param: null,
    },
    { name: "files limit 0", method: "GET", path: "/files?limit=0", status: 400, param: "limit" },
    {
      name: "files limit not a number",
      method: "GET",
      path: "/files?limit=many",
      status: 400,
      param: "limit",
    },
    {
      name: "files order sideways",
      method: "GET",
      path: "/files?order=sideways",
      status: 400,
      param: "order",
    },
    {
      name: "files after an unknown id",
      method: "GET",
      path: "/files?after=conversations:file-000000000000",
      status: 400,
      param: "after",
    },
    {
      name: "files repeated limit",
      method: "GET",
      path: "/files?limit=1&limit=2",
      status: 400,
      param: "limit",
    },
    {
      name: "files unknown query key",
      method: "GET",
      path: "/files?colour=red",
      status: 400,
      param: "colour",
    },
    {
      name: "retrieve a malformed file id",
      method: "GET",
      path: "/files/file-abc",
      status: 400,
      param: "file_id",
    },
    {
      name: "retrieve an unknown file",
      method: "GET",
      path: "/files/conversations:file-000000000000",
      status: 404,
      param: "file_id",
    },
    {
      name: "content of an unknown file",
      method: "GET",
      path: "/files/conversations:file-000000000000/content",
      status: 404,
      param: "file_id",
    },
    {
      name: "delete a malformed file id",
      method: "DELETE",
      path: "/files/%00",
      status: 400,
      param: "file_id",
    },
    {
      name: "delete an unknown file",
      method: "DELETE",
      path: "/files/conversations:file-000000000000",
      status: 404,
      param: "file_id",
    },
    {
      name: "job body not JSON",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: "{",
      headers: { "content-type": "application/json" },
      status: 400,
      param: null,
    },
    {
      name: "job body an array",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: [1],
      status: 400,
      param: null,
    },
    {
      name: "job without model",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: { training_file: "x" },
      status: 400,
      param: "model",
    },
    {
      name: "job model not a string",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ model: 3 }),
      status: 400,
      param: "model",
    },
    {
      name: "job with an unknown training file",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ training_file: "conversations:file-000000000000" }),
      status: 400,
      param: "training_file",
    },
    {
      name: "job with an unknown validation file",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ validation_file: "file-nope" }),
      status: 400,
      param: "validation_file",
    },
    {
      name: "job with an unknown field",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ colour: "red" }),
      status: 400,
      param: "colour",
    },
    {
      name: "job with an unknown method",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ method: { type: "reinforcement" } }),
      status: 400,
      param: "method.type",
    },
    {
      name: "job n_epochs 0",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 0 } } } }),
      status: 400,
      param: "method.supervised.hyperparameters.n_epochs",
    },
    {
      name: "job batch_size a string",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ hyperparameters: { batch_size: "big" } }),
      status: 400,
      param: "hyperparameters.batch_size",
    },
    {
      name: "job hyperparameters twice",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ hyperparameters: {}, method: { type: "supervised" } }),
      status: 400,
      param: "hyperparameters",
    },
    {
      name: "job dpo beta negative",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ method: { type: "dpo", dpo: { hyperparameters: { beta: -1 } } } }),
      status: 400,
      param: "method.dpo.hyperparameters.beta",
    },
    {
      name: "job suffix with spaces",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ suffix: "a b" }),
      status: 400,
      param: "suffix",
    },
    {
      name: "job seed negative",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ seed: -1 }),
      status: 400,
      param: "seed",
    },
    {
      name: "job metadata value not a string",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ metadata: { a: 1 } }),
      status: 400,
      param: "metadata.a",
    },
    {
      name: "job metadata with 17 keys",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }),
      status: 400,
      param: "metadata",
    },
    {
      name: "job integrations",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ integrations: [{ type: "wandb" }] }),
      status: 400,
      param: "integrations",
    },
    {
      name: "job extension param out of range",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ openweights: { params: { r: 0 } } }),
      status: 400,
      param: "openweights.params.r",
    },
    {
      name: "job extension param unknown",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ openweights: { params: { rank: 8 } } }),
      status: 400,
      param: "openweights.params.rank",
    },
    {
      name: "job extension param set by an OpenAI field",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ openweights: { params: { epochs: 3 } } }),
      status: 400,
      param: "openweights.params.epochs",
    },
    {
      name: "job extension unknown hardware",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ openweights: { allowed_hardware: ["1x Z9000"] } }),
      status: 400,
      param: "openweights.allowed_hardware.0",
    },
    {
      name: "job extension bad hf org",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ openweights: { hf_org: "a/b" } }),
      status: 400,
      param: "openweights.hf_org",
    },
    {
      name: "job body too large",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({ metadata: { a: "x".repeat(1_100_000) } }),
      status: 413,
      param: null,
    },
    {
      name: "jobs limit 101",
      method: "GET",
      path: "/fine_tuning/jobs?limit=101",
      status: 400,
      param: "limit",
    },
    {
      name: "jobs unknown status",
      method: "GET",
      path: "/fine_tuning/jobs?status=paused",
      status: 400,
      param: "status",
    },
    {
      name: "jobs metadata value too long",
      method: "GET",
      path: `/fine_tuning/jobs?metadata[a]=${"x".repeat(600)}`,
      status: 400,
      param: "metadata.a",
    },
    {
      name: "jobs metadata plain and bracketed",
      method: "GET",
      path: "/fine_tuning/jobs?metadata=x&metadata[a]=b",
      status: 400,
      param: "metadata",
    },
    {
      name: "jobs after an unknown id",
      method: "GET",
      path: "/fine_tuning/jobs?after=fine-tuning-000000000000",
      status: 400,
      param: "after",
    },
    {
      name: "retrieve a malformed job id",
      method: "GET",
      path: "/fine_tuning/jobs/ftjob-abc",
      status: 400,
      param: "fine_tuning_job_id",
    },
    {
      name: "retrieve an unknown job",
      method: "GET",
      path: "/fine_tuning/jobs/fine-tuning-000000000000",
      status: 404,
      param: "fine_tuning_job_id",
    },
    {
      name: "cancel an unknown job",
      method: "POST",
      path: "/fine_tuning/jobs/fine-tuning-000000000000/cancel",
      status: 404,
      param: "fine_tuning_job_id",
    },
    { name: "events limit 0", method: "GET", path: `${job}/events?limit=0`, status: 400, param: "limit" },
    {
      name: "events after an unknown id",
      method: "GET",
      path: `${job}/events?after=ftevent-nope`,
      status: 400,
      param: "after",
    },
    {
      name: "events of an unknown job",
      method: "GET",
      path: "/fine_tuning/jobs/fine-tuning-000000000000/events",
      status: 404,
      param: "fine_tuning_job_id",
    },
    {
      name: "checkpoints limit not a number",
      method: "GET",
      path: `${job}/checkpoints?limit=x`,
      status: 400,
      param: "limit",
    },
    {
      name: "checkpoints of a malformed id",
      method: "GET",
      path: "/fine_tuning/jobs/Not-A-Job/checkpoints",
      status: 400,
      param: "fine_tuning_job_id",
    },
    {
      name: "batch body not an object",
      method: "POST",
      path: "/batches",
      body: "[]",
      headers: { "content-type": "application/json" },
      status: 400,
      param: null,
    },
    {
      name: "batch without input file",
      method: "POST",
      path: "/batches",
      body: { endpoint: "/v1/chat/completions", completion_window: "24h" },
      status: 400,
      param: "input_file_id",
    },
    {
      name: "batch for embeddings",
      method: "POST",
      path: "/batches",
      body: batch({ endpoint: "/v1/embeddings" }),
      status: 400,
      param: "endpoint",
    },
    {
      name: "batch window 1h",
      method: "POST",
      path: "/batches",
      body: batch({ completion_window: "1h" }),
      status: 400,
      param: "completion_window",
    },
    {
      name: "batch unknown field",
      method: "POST",
      path: "/batches",
      body: batch({ colour: 1 }),
      status: 400,
      param: "colour",
    },
    {
      name: "batch unknown input file",
      method: "POST",
      path: "/batches",
      body: batch({ input_file_id: "batch:file-000000000000" }),
      status: 400,
      param: "input_file_id",
    },
    {
      name: "batch over a fine-tune file",
      method: "POST",
      path: "/batches",
      body: batch({ input_file_id: fileId }),
      status: 400,
      param: "input_file_id",
    },
    {
      name: "batch over invalid JSON lines",
      method: "POST",
      path: "/batches",
      body: batch({ input_file_id: badBatchId }),
      status: 400,
      param: "input_file_id",
    },
    {
      name: "batch extension param set by the requests",
      method: "POST",
      path: "/batches",
      body: batch({ openweights: { params: { temperature: 1 } } }),
      status: 400,
      param: "openweights.params.temperature",
    },
    {
      name: "batch extension param unknown",
      method: "POST",
      path: "/batches",
      body: batch({ openweights: { params: { beam: 4 } } }),
      status: 400,
      param: "openweights.params.beam",
    },
    {
      name: "batch metadata not strings",
      method: "POST",
      path: "/batches",
      body: batch({ metadata: { a: [] } }),
      status: 400,
      param: "metadata.a",
    },
    { name: "batches limit 0", method: "GET", path: "/batches?limit=0", status: 400, param: "limit" },
    {
      name: "batches after an unknown id",
      method: "GET",
      path: "/batches?after=inference-000000000000",
      status: 400,
      param: "after",
    },
    {
      name: "retrieve a malformed batch id",
      method: "GET",
      path: "/batches/batch_abc",
      status: 400,
      param: "batch_id",
    },
    {
      name: "retrieve an unknown batch",
      method: "GET",
      path: "/batches/inference-000000000000",
      status: 404,
      param: "batch_id",
    },
    {
      name: "cancel an unknown batch",
      method: "POST",
      path: "/batches/inference-000000000000/cancel",
      status: 404,
      param: "batch_id",
    },
    {
      name: "retrieve an unknown model",
      method: "GET",
      path: "/models/nobody%2Fnothing",
      status: 404,
      param: "model",
    },
    {
      name: "chat without messages",
      method: "POST",
      path: "/chat/completions",
      body: { model: "m/m" },
      status: 400,
      param: "messages",
    },
    {
      name: "chat without model",
      method: "POST",
      path: "/chat/completions",
      body: { messages: [{ role: "user", content: "x" }] },
      status: 400,
      param: "model",
    },
    {
      name: "chat with a bad role",
      method: "POST",
      path: "/chat/completions",
      body: { model: "m/m", messages: [{ role: "robot", content: "x" }] },
      status: 400,
      param: "messages.0",
    },
    {
      name: "chat stream not a boolean",
      method: "POST",
      path: "/chat/completions",
      body: { model: "m/m", messages: [{ role: "user", content: "x" }], stream: "yes" },
      status: 400,
      param: "stream",
    },
    {
      name: "chat to an undeployed model",
      method: "POST",
      path: "/chat/completions",
      body: { model: "m/m", messages: [{ role: "user", content: "x" }] },
      status: 404,
      param: "model",
    },
    {
      name: "an Idempotency-Key with spaces",
      method: "POST",
      path: "/fine_tuning/jobs",
      body: ft({}),
      headers: { "idempotency-key": "a b" },
      status: 400,
      param: "Idempotency-Key",
    },
    {
      name: "no credentials",
      method: "GET",
      path: "/files",
      headers: { authorization: "" },
      status: 401,
      param: null,
    },
    {
      name: "a malformed credential",
      method: "GET",
      path: "/fine_tuning/jobs",
      headers: { authorization: "Bearer ow_short" },
      status: 401,
      param: null,
    },
  ];
}

async function send(c: Case) {
  const headers: Record<string, string> = { authorization: `Bearer ${stack.adminToken}`, ...c.headers };
  let body: BodyInit | undefined;
  if (c.body instanceof FormData || typeof c.body === "string") body = c.body;
  else if (c.body !== undefined) {
    body = JSON.stringify(c.body);
    headers["content-type"] ??= "application/json";
  }
  if (headers.authorization === "") delete headers.authorization;
  const res = await fetch(`${stack.url}/openai/v1${c.path}`, { method: c.method, headers, body });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("bad input to the openai function", () => {
  it("gets a 4xx in OpenAI's envelope naming the field, and changes nothing", async () => {
    const before = await writtenRows(stack);
    const problems: string[] = [];
    for (const c of cases()) {
      const { status, body } = await send(c);
      const parsed = OpenAIErrorBody.safeParse(body);
      if (status !== c.status || !parsed.success || parsed.data.error.param !== c.param)
        problems.push(`${c.name}: ${status} ${JSON.stringify(body)}`);
    }
    expect(problems).toEqual([]);
    expect(await writtenRows(stack)).toEqual(before);
  });

  it("the client raises BadRequestError carrying the param", async () => {
    const error = await openaiClient(stack)
      .fineTuning.jobs.create({ model: "m/m", training_file: fileId, suffix: "bad suffix" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as BadRequestError).param).toBe("suffix");
    expect((error as BadRequestError).type).toBe("invalid_request_error");
  });
});
