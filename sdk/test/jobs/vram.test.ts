import { describe, expect, it } from "vitest";
import {
  apiVramGb,
  guessModelSizeB,
  inferenceVramGb,
  logprobVramGb,
} from "../../../supabase/functions/_shared/jobs/vram.ts";
import { python } from "./support.ts";

const MODELS = [
  "Qwen/Qwen3-8B",
  "Qwen/Qwen3-30B-A3B",
  "Qwen/Qwen2.5-0.5B-Instruct",
  "unsloth/Qwen2.5-32B-Instruct-bnb-4bit",
  "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit",
  "meta-llama/Llama-3.3-70B-Instruct",
  "some/model-8bit-13b",
  "mistralai/Mistral-Small-24B-Instruct-2501",
  "mistralai/mistral-small-instruct",
  "org/no-size-here",
  "org/gpt2",
  "org/Qwen2.5-7B-ftjob-0123456789ab",
  "org/Qwen2.5-7B-4bit-ftjob-0123456789ab",
  "org/Llama-1.5b-8bit",
  "org/v1.5B-model",
  "org/1.2.3B",
  "org/7Bx-then-3B",
  "org/Phi-3-mini-4k-instruct",
  "org/Model-2.75B",
  "org/8B",
  "",
];
const LORA = [
  [0, 16],
  [1, 16],
  [4, 64],
  [3, 8],
] as const;
const RANKS = [0, 8, 16, 64, 256];

function pythonAnswers() {
  return python(
    `import json, sys, vram
cases = json.load(sys.stdin)
print(json.dumps({
  "size": [vram.guess_model_size_b(m) for m in cases["models"]],
  "api": [[vram.api_vram_gb(m, a, r) for a, r in cases["lora"]] for m in cases["models"]],
  "inference": [[vram.inference_vram_gb(m, r) for r in cases["ranks"]] for m in cases["models"]],
  "logprob": [vram.logprob_vram_gb(m) for m in cases["models"]],
}))`,
    { models: MODELS, lora: LORA, ranks: RANKS },
  ) as { size: number[]; api: number[][]; inference: number[][]; logprob: number[] };
}

describe("VRAM guesses", () => {
  it("read the model size from the first '<number>b' in the name", () => {
    expect(guessModelSizeB("Qwen/Qwen3-30B-A3B")).toBe(30);
    expect(guessModelSizeB("Qwen/Qwen2.5-0.5B-Instruct")).toBe(0.5);
    expect(guessModelSizeB("mistralai/mistral-small")).toBe(22);
    expect(guessModelSizeB("org/unknown")).toBe(32);
  });

  it("apply the serving, inference and logprob formulas of the original", () => {
    expect(apiVramGb("Qwen/Qwen3-8B")).toBe(21); // 16 + 5 + 0.5
    expect(apiVramGb("unsloth/x-32B-bnb-4bit", 2, 32)).toBe(25); // 16 + 4 + 5
    expect(inferenceVramGb("Qwen/Qwen3-8B")).toBe(31); // 16 + 15 + 0.5
    expect(inferenceVramGb("org/x-8B-4bit-ftjob-1")).toBe(31); // no 4-bit discount for ftjob models
    expect(logprobVramGb("Qwen/Qwen3-8B")).toBe(36);
    expect(logprobVramGb("Qwen/Qwen3-14B")).toBe(70);
  });

  it("agree with vram.py on every case of the table", () => {
    const expected = pythonAnswers();
    expect({
      size: MODELS.map((m) => guessModelSizeB(m)),
      api: MODELS.map((m) => LORA.map(([a, r]) => apiVramGb(m, a, r))),
      inference: MODELS.map((m) => RANKS.map((r) => inferenceVramGb(m, r))),
      logprob: MODELS.map((m) => logprobVramGb(m)),
    }).toEqual(expected);
  });
});
