// The generating and scoring job types end to end on CPU: logprob (checked against a direct forward
// pass), batch inference and serving on the transformers backend (the same engine; vLLM has no CPU
// wheel), `ow.chat.completions` against the served model with its key enforced, inspect_ai with its
// local Hugging Face provider on a task shipped with the tests, and MMLU-Pro on a synthetic set.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { type MlEnv, prepareMlEnv } from "./ml-env.ts";
import { type MlStack, startMlStack } from "./ml-stack.ts";
import { reverseRows, weightedRows } from "./toy-data.ts";

let env: MlEnv;
let ml: MlStack;
const jobs: Record<string, string> = {};
const onCpu = { requiresVramGb: 0, maxAttempts: 1 };

/** MMLU-Pro's row format (TIGER-Lab/MMLU-Pro on the Hub), two subjects, answers the model can't know. */
function mmluProDir(root: string): string {
  const dir = join(root, "mmlu-pro");
  mkdirSync(dir, { recursive: true });
  const row = (id: number, category: string, answer: number) => ({
    question_id: id,
    question: `what color is the ${category === "biology" ? "grass" : "sky"} ?`,
    options: ["red", "green", "blue", "yellow", "N/A"],
    answer: "ABCD"[answer],
    answer_index: answer,
    cot_content: "",
    category,
    src: "synthetic",
  });
  const write = (name: string, rows: unknown[]) =>
    writeFileSync(join(dir, name), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  write("test.jsonl", [
    row(1, "biology", 1),
    row(2, "biology", 1),
    row(3, "physics", 2),
    row(4, "physics", 2),
  ]);
  write("validation.jsonl", [row(5, "biology", 1), row(6, "physics", 2)]);
  return dir;
}

beforeAll(async () => {
  env = prepareMlEnv();
  ml = await startMlStack(env, 1);
  const conversations = ml.jsonl("conversations.jsonl", weightedRows(3, 21));
  const prompts = ml.jsonl("prompts.jsonl", reverseRows(3, 22));
  const submit = async (name: string, created: Promise<{ id: string }>) => {
    jobs[name] = (await created).id;
  };
  await Promise.all([
    submit("logprob", ml.ow.logprob.create({ model: env.models.qwen, dataset: conversations }, onCpu)),
    submit(
      "inference",
      ml.ow.inference.create(
        {
          model: env.models.llama,
          input_file: prompts,
          max_tokens: 6,
          temperature: 0,
          logprobs: 2,
          backend: "transformers",
          max_model_len: 256,
        },
        onCpu,
      ),
    ),
    submit(
      "mmlu",
      ml.ow.mmluPro.create(
        {
          model: env.models.qwen,
          dataset: mmluProDir(ml.dataDir),
          ntrain: 1,
          max_new_tokens: 4,
          max_model_len: 256,
          backend: "transformers",
        },
        onCpu,
      ),
    ),
    submit(
      "inspect",
      ml.ow.inspectAi.create(
        {
          model: env.models.qwen,
          eval_name: join(repoRoot, "tests", "ml", "inspect_task.py"),
          provider: "hf",
          options: ["-M", "device=cpu", "--max-tokens", "4", "--display", "none"],
        },
        onCpu,
      ),
    ),
  ]);
}, 600_000);

afterAll(async () => {
  await ml?.ow.chat.completions.close();
  await ml?.stop();
});

const waitDone = (id: string) => ml.waitDone(id);

describe("generation and evaluation jobs on CPU through the platform", () => {
  it("computes per-block logprobs equal to a direct forward pass of the same model", async () => {
    const job = await waitDone(jobs.logprob!);
    expect(job.status).toBe("completed");
    const rows = (await ml.resultText(job.id, "logprobs.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const reference = ml.reference([
      "logprobs",
      env.models.qwen,
      ml.jsonl("again.jsonl", weightedRows(3, 21)),
    ]) as {
      logps: (number | null)[];
    }[];
    expect(rows).toHaveLength(3);
    let compared = 0;
    rows.forEach((row, i) => {
      for (const message of row.messages)
        for (const block of message.content) {
          const [start, end] = block.range as [number, number];
          let expected = 0;
          for (let t = Math.max(start, 1); t < end; t++) expected += reference[i]!.logps[t] ?? 0;
          expect(block.logprobs).toBeCloseTo(expected, 3);
          if (end > start) compared++;
        }
    });
    expect(compared).toBeGreaterThanOrEqual(9);
  });

  it("runs batch inference on the transformers backend with vLLM's result shape", async () => {
    const job = await waitDone(jobs.inference!);
    expect(job.status).toBe("completed");
    expect((await ml.events(job.id, "result"))[0]).toMatchObject({
      rows: 3,
      completions: 3,
      backend: "transformers",
    });
    const rows = (await ml.resultText(job.id, "results.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    for (const row of rows) {
      expect(typeof row.completion).toBe("string");
      expect(row.logprobs.length).toBeGreaterThan(0);
      for (const position of row.logprobs) {
        expect(position.length).toBeGreaterThanOrEqual(1);
        expect(position[0].logprob).toBeLessThanOrEqual(0);
      }
    }
    // greedy: the chosen token is the most likely one at every position
    expect(rows[0].logprobs.every((p: { rank: number }[]) => p[0]!.rank === 1)).toBe(true);
  });

  it("serves the model OpenAI-compatibly: ow.chat.completions answers with the key, the server refuses without it", async () => {
    ml.ow.chat.deployParams = { backend: "transformers", max_model_len: 256, max_num_seqs: 4 };
    ml.ow.chat.deployOptions = { requiresVramGb: 0 };
    const answer = (await ml.ow.chat.completions.create({
      model: env.models.llama,
      messages: [{ role: "user", content: "repeat red cat dog" }],
      max_tokens: 5,
      temperature: 0,
    })) as { choices: { message: { content: string } }[]; usage: { completion_tokens: number } };
    expect(typeof answer.choices[0]!.message.content).toBe("string");
    expect(answer.usage.completion_tokens).toBeGreaterThan(0);
    const deployment = await ml.ow.chat.completions.deployment(env.models.llama);
    const ready = deployment.ready as Record<string, unknown>;
    expect(deployment.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(ready).toMatchObject({ type: "api_ready", models: [env.models.llama] });
    const bare = await fetch(`${deployment.baseURL}/models`);
    expect(bare.status).toBe(401);
    const wrong = await fetch(`${deployment.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer wrong", "content-type": "application/json" },
      body: JSON.stringify({ model: env.models.llama, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(wrong.status).toBe(401);
    await ml.ow.chat.completions.kill(env.models.llama);
    expect((await waitDone(deployment.id)).status).toBe("canceled");
  });

  it("scores a synthetic MMLU-Pro set per subject with the transformers backend", async () => {
    const job = await waitDone(jobs.mmlu!);
    expect(job.status).toBe("completed");
    const subjects = await ml.events(job.id, "mmlu_pro_subject");
    expect(subjects.map((s) => [s.subject, s.total]).sort()).toEqual([
      ["biology", 2],
      ["physics", 2],
    ]);
    const final = (await ml.events(job.id, "eval_results"))[0]!;
    expect(final).toMatchObject({ benchmark: "mmlu_pro", total: 4 });
    const summary = JSON.parse(await ml.resultText(job.id, "mmlu_pro/summary.json"));
    expect(summary.correct).toBe(final.correct);
  });

  it("runs an inspect_ai task with the local Hugging Face provider and reports its scores", async () => {
    const job = await waitDone(jobs.inspect!);
    expect(job.status).toBe("completed");
    const results = await ml.events(job.id, "eval_results");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ task: "toy_colors", status: "success", samples: 3 });
    const accuracy = (results[0]!.scores as Record<string, Record<string, number>>).match?.accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
  });
});
