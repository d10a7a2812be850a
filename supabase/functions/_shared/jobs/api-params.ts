/** Params of the serving job (`serve/params.py`): an OpenAI-compatible server behind an API key. */
import { z } from "zod";
import { generationBackend, int, nonEmpty, num, stringList } from "./param-rules.ts";
import { apiVramGb } from "./vram.ts";

export const apiParams = z.strictObject({
  model: nonEmpty,
  /** Adapter ids (as for inference); clients reach one by using its id as `model`. */
  lora_adapters: stringList.default([]),
  /** An int, or "auto" = the largest adapter `r` (read job-side). */
  max_lora_rank: z.union([z.literal("auto"), int(1)]).default("auto"),
  /** -1 = one slot per adapter. */
  max_loras: int(-1).default(-1),
  max_model_len: int(16).default(2048),
  max_num_seqs: int(1).default(16),
  quantization: nonEmpty.nullable().default(null),
  kv_cache_dtype: nonEmpty.nullable().default(null),
  gpu_memory_utilization: num(0, 1, true).nullable().default(null),
  /** Null: the port the worker gives serving jobs (8000 on RunPod, whose proxy exposes it). */
  port: int(1).nullable().default(null),
  /** Null: the job generates a key and reports it in its `api_ready` event (readable by the org only). */
  api_key: nonEmpty.nullable().default(null),
  startup_timeout_s: int(1).default(3600),
  /** More `vllm serve` arguments. */
  extra_args: stringList.default([]),
  /** `vllm` (GPU), `transformers` (an OpenAI-compatible server for small models, CPU included), or `auto`. */
  backend: generationBackend,
});

export type ApiParams = z.input<typeof apiParams>;

/** The serving formula; an unknown ("auto") rank counts as 16 and no adapters as no LoRA slots. */
export function apiVramGuess(p: z.output<typeof apiParams>): number {
  const adapters = p.lora_adapters.length;
  const slots = p.max_loras === -1 ? adapters : Math.max(1, p.max_loras);
  const rank = p.max_lora_rank === "auto" ? 16 : p.max_lora_rank;
  return apiVramGb(p.model, slots, rank);
}

/** Serving jobs end when canceled (`down()`) or after this long, so a forgotten one stops billing. */
export const DEFAULT_API_TIMEOUT_SECONDS = 4 * 3600;

/** The original's `deploy` defaults (more concurrent sequences than a bare serving job). */
export const DEPLOY_DEFAULTS = { max_num_seqs: 100, max_model_len: 2048 } as const;
