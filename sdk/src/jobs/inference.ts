/**
 * `ow.inference`: vLLM batch inference over a conversations file (`python3
 * inference/run_inference.py`). Results: `results.jsonl` (each row + `completion` + `logprobs`).
 */

import { inferenceParams } from "../../../supabase/functions/_shared/jobs/inference-params.ts";
import { inferenceVramGb } from "../../../supabase/functions/_shared/jobs/vram.ts";
import type { BuiltInContext } from "./context.ts";
import { BuiltInFamily } from "./family.ts";

export {
  type InferenceParams,
  inferenceParams,
} from "../../../supabase/functions/_shared/jobs/inference-params.ts";
export type Inference = BuiltInFamily<typeof inferenceParams>;

export function inferenceFamily(ctx: BuiltInContext): Inference {
  return new BuiltInFamily(
    {
      type: "inference",
      schema: inferenceParams,
      image: "vllm",
      entrypoint: ["python3", "inference/run_inference.py"],
      datasets: async (p, mount) => ({ ...p, input_file: await mount(p.input_file, "conversations") }),
      // the SDK does not ask the Hub whether `model` is an adapter: the name is the estimate
      vramGuess: (p) => inferenceVramGb(p.model),
    },
    ctx,
  );
}
