/** Params of the batch inference job (`inference/params.py`); the SDK's `ow.inference` and the openai function's batches both validate with this schema. */
import { z } from "zod";
import {
  checkDatasetPurpose,
  datasetRef,
  generationBackend,
  idSuffix,
  int,
  nonEmpty,
  num,
  stringList,
} from "./param-rules.ts";

export const inferenceParams = z
  .strictObject({
    /** `org/repo`, an adapter repo, `org/repo/checkpoint-N`, or a local path on the worker. */
    model: nonEmpty.refine((m) => m.includes("/"), "must be '<org>/<name>' (optionally '/<subfolder>')"),
    /** Conversations file id, or (openweights/node) a local path. The original called it `input_file_id`. */
    input_file: datasetRef,
    chat_template: nonEmpty.default("default"),
    max_tokens: int(1).default(600),
    temperature: num(0).default(1),
    top_p: num(0, 1, true).default(1),
    stop: stringList.default([]),
    prefill: z.string().default(""),
    /** Honoured (the original always sent 1). */
    min_tokens: int(0).default(1),
    max_model_len: int(16).default(8196),
    /** Top-k logprobs per position; null = none. */
    logprobs: int(0).nullable().default(null),
    n_completions_per_prompt: int(1).default(1),
    quantization: nonEmpty.nullable().default(null),
    load_format: nonEmpty.nullable().default(null),
    max_num_seqs: int(1).default(32),
    gpu_memory_utilization: num(0, 1, true).default(0.95),
    seed: int(0).nullable().default(null),
    job_id_suffix: idSuffix,
    /** `vllm` (GPU), `transformers` (any machine, CPU included), or `auto`: vLLM where it can run. */
    backend: generationBackend,
  })
  .superRefine((p, ctx) => {
    checkDatasetPurpose(ctx, p.input_file, ["conversations"], ["input_file"]);
    if (p.min_tokens > p.max_tokens)
      ctx.addIssue({ code: "custom", path: ["min_tokens"], message: "must be <= max_tokens" });
  });

export type InferenceParams = z.input<typeof inferenceParams>;
