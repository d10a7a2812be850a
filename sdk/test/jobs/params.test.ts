import { describe, expect, it } from "vitest";
import { parseLearningRate } from "../../../supabase/functions/_shared/jobs/param-rules.ts";
import { InvalidParamsError } from "../../src/index.ts";
import { CONVERSATIONS, client, fakeServer, PREFERENCE, python } from "./support.ts";

const SFT = { model: "Qwen/Qwen3-8B", training_file: CONVERSATIONS, loss: "sft" } as const;

async function issuesOf(promise: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidParamsError);
  return (error as InvalidParamsError).issues;
}

describe("built-in job params", () => {
  const server = fakeServer();
  const ow = client(server);

  it.each([
    ["negative epochs", { ...SFT, epochs: -1 }, "epochs"],
    ["an unknown loss", { ...SFT, loss: "ppo" }, "loss"],
    ["an eval()'d learning rate", { ...SFT, learning_rate: "eval('__import__(\"os\")')" }, "learning_rate"],
    ["a zero learning rate", { ...SFT, learning_rate: 0 }, "learning_rate"],
    ["lora_dropout above 1", { ...SFT, lora_dropout: 1.5 }, "lora_dropout"],
    ["an unknown optimizer", { ...SFT, optim: "lion" }, "optim"],
    ["eval_every_n_steps 0", { ...SFT, eval_every_n_steps: 0 }, "eval_every_n_steps"],
    ["a preference file for SFT", { ...SFT, training_file: PREFERENCE }, "training_file"],
    ["a conversations file for DPO", { ...SFT, loss: "dpo" }, "training_file"],
    [
      "logprob tracking on a 4-bit model",
      { ...SFT, load_in_4bit: true, logp_callback_datasets: { a: CONVERSATIONS } },
      "logp_callback_datasets",
    ],
    ["a Hub id with three parts", { ...SFT, finetuned_model_id: "a/b/c" }, "finetuned_model_id"],
    ["a forbidden Hub org", { ...SFT, finetuned_model_id: "unsloth/x" }, "finetuned_model_id"],
    ["a job id suffix with a space", { ...SFT, job_id_suffix: "a b" }, "job_id_suffix"],
    [
      "a sampling callback without dataset",
      { ...SFT, sampling_callbacks: [{ tag: "x" }] },
      "sampling_callbacks.0.dataset",
    ],
    ["an absolute output_dir", { ...SFT, output_dir: "/tmp/x" }, "output_dir"],
  ])("reject %s for fine-tuning, naming the field", async (_name, params, field) => {
    const issues = await issuesOf(ow.fineTuning.submission(params as never));
    expect(issues.map((i) => i.path)).toContain(field);
  });

  it("reject an unknown param by name (typos fail loudly, as the job does)", async () => {
    const issues = await issuesOf(ow.fineTuning.submission({ ...SFT, epoch: 2 } as never));
    expect(issues[0]?.message).toContain("epoch");
  });

  it("reject a VRAM request that is not a whole number of GB", async () => {
    const issues = await issuesOf(ow.fineTuning.submission({ ...SFT, requires_vram_gb: -3 }));
    expect(issues[0]?.path).toBe("requires_vram_gb");
  });

  it.each([
    ["inference", () => ow.inference.submission({ model: "gpt2", input_file: CONVERSATIONS }), "model"],
    [
      "inference",
      () => ow.inference.submission({ model: "o/m", input_file: CONVERSATIONS, min_tokens: 700 }),
      "min_tokens",
    ],
    [
      "inference",
      () => ow.inference.submission({ model: "o/m", input_file: CONVERSATIONS, top_p: 0 }),
      "top_p",
    ],
    ["inference", () => ow.inference.submission({ model: "o/m", input_file: PREFERENCE }), "input_file"],
    [
      "logprob",
      () => ow.logprob.submission({ model: "o/m", dataset: CONVERSATIONS, batch_size: 0 }),
      "batch_size",
    ],
    ["weighted-sft", () => ow.weightedSft.submission({ ...SFT, loss: "dpo" as never }), "loss"],
    ["weighted-sft", () => ow.weightedSft.submission({ ...SFT, beta: 0.1 } as never), ""],
    ["api", () => ow.api.submission({ model: "o/m", max_lora_rank: 0 }), "max_lora_rank"],
    ["api", () => ow.api.submission({ model: "o/m", gpu_memory_utilization: 1.5 }), "gpu_memory_utilization"],
    ["inspect-ai", () => ow.inspectAi.submission({ model: "o/m" } as never), "eval_name"],
    ["mmlu-pro", () => ow.mmluPro.submission({ model: "o/m", gpu_util: "lots" }), "gpu_util"],
    [
      "mmlu-pro",
      () => ow.mmluPro.submission({ model: "o/m", global_record_file: "../x.csv" }),
      "global_record_file",
    ],
  ])("reject bad %s params, naming the field", async (_family, submit, field) => {
    const issues = await issuesOf(submit());
    expect(issues.map((i) => i.path)).toContain(field);
  });

  it("check everything before touching the network", () => {
    expect(server.calls).toHaveLength(0);
  });

  it('accept "log" schedules and numeric learning-rate strings', async () => {
    const submission = await ow.weightedSft.submission({
      ...SFT,
      learning_rate: "10**-5",
      eval_every_n_steps: "log",
      test_file_eval_steps: "log",
      sampling_callbacks: [{ dataset: CONVERSATIONS }],
    });
    expect(submission.params).toMatchObject({
      learning_rate: "10**-5",
      eval_every_n_steps: "log",
      sampling_callbacks: [
        { eval_steps: "log", batch_size: 8, tag: "samples", temperature: 0, max_tokens: 600 },
      ],
    });
  });
});

describe("learning-rate parsing", () => {
  const CASES: unknown[] = [
    1e-4,
    "1e-4",
    "0.0002",
    "10**-4",
    "10^-4",
    " 10 ** -5 ",
    "-4",
    "-4.5",
    "2e-5",
    ".5",
    "1.",
    "+3e-4",
    0,
    -1,
    "0",
    "abc",
    "eval('1')",
    "1e-4; import os",
    "10**400",
    "0**-1",
    "(-8)**(1/3)",
    "-8**0.5",
    "",
    true,
    null,
    [1],
  ];

  it("agrees with the job's parse_learning_rate on every case, eval-free", () => {
    const expected = python(
      `import json, sys
from training.params import parse_learning_rate
out = []
for v in json.load(sys.stdin):
    try: out.append(parse_learning_rate(v))
    except ValueError: out.append(None)
print(json.dumps(out))`,
      CASES,
    ) as (number | null)[];
    const ours = CASES.map((v) => {
      const r = parseLearningRate(v);
      return typeof r === "number" ? r : null;
    });
    expect(ours.map((r) => (r === null ? null : Number(r.toPrecision(12))))).toEqual(
      expected.map((r) => (r === null ? null : Number(r.toPrecision(12)))),
    );
  });
});
