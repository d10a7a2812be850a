/**
 * Evaluations on the vLLM image: `ow.inspectAi` (`python3 evals/inspect_ai_job.py`, any
 * inspect_ai eval; logs uploaded to `inspect-logs/`) and `ow.mmluPro` (`python3 evals/mmlu_pro.py`).
 */
import { z } from "zod";
import {
  generationBackend,
  int,
  nonEmpty,
  num,
  stringList,
} from "../../../supabase/functions/_shared/jobs/param-rules.ts";
import { INSPECT_AI_DEFAULT_GB, MMLU_PRO_DEFAULT_GB } from "../../../supabase/functions/_shared/jobs/vram.ts";
import type { BuiltInContext } from "./context.ts";
import { BuiltInFamily } from "./family.ts";

export const inspectAiParams = z.strictObject({
  model: nonEmpty,
  /** e.g. `inspect_evals/gpqa_diamond`. */
  eval_name: nonEmpty,
  max_model_len: int(16).default(8192),
  /** Extra `inspect eval` arguments: a list, or a string the job splits shell-style (no shell runs). */
  options: z.union([stringList, z.string()]).default([]),
  provider: nonEmpty.default("vllm"),
});

export const mmluProParams = z.strictObject({
  model: nonEmpty,
  ntrain: int(0).default(5),
  /** "all", a comma-separated string or a list of (partial) subject names. */
  selected_subjects: z.union([nonEmpty, stringList]).default("all"),
  global_record_file: nonEmpty
    .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path")
    .default("eval_record_collection.csv"),
  gpu_util: z
    .union([
      num(0, 1, true),
      z
        .string()
        .refine(
          (s) => /^\s*[0-9.eE+-]+\s*$/.test(s) && Number(s) > 0 && Number(s) <= 1,
          "must be a number in (0, 1]",
        ),
    ])
    .default(0.9),
  max_model_len: int(64).default(4096),
  max_new_tokens: int(1).default(2048),
  limit_per_subject: int(1).nullable().default(null),
  /** Hugging Face dataset name, or a local directory on the worker in MMLU-Pro's format. */
  dataset: nonEmpty.default("TIGER-Lab/MMLU-Pro"),
  use_chat_template: z.boolean().default(false),
  /** `vllm` (GPU), `transformers` (any machine, CPU included), or `auto`: vLLM where it can run. */
  backend: generationBackend,
});

export type InspectAiParams = z.input<typeof inspectAiParams>;
export type MmluProParams = z.input<typeof mmluProParams>;
export type InspectAi = BuiltInFamily<typeof inspectAiParams>;
export type MmluPro = BuiltInFamily<typeof mmluProParams>;

export function inspectAiFamily(ctx: BuiltInContext): InspectAi {
  return new BuiltInFamily(
    {
      type: "inspect-ai",
      schema: inspectAiParams,
      image: "vllm", // the original used the Unsloth image, which has no vLLM for the vllm/ provider
      entrypoint: ["python3", "evals/inspect_ai_job.py"],
      vramGuess: () => INSPECT_AI_DEFAULT_GB,
    },
    ctx,
  );
}

export function mmluProFamily(ctx: BuiltInContext): MmluPro {
  return new BuiltInFamily(
    {
      type: "mmlu-pro",
      schema: mmluProParams,
      image: "vllm",
      entrypoint: ["python3", "evals/mmlu_pro.py"],
      vramGuess: () => MMLU_PRO_DEFAULT_GB,
    },
    ctx,
  );
}
