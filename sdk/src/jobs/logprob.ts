/** `ow.logprob`: per-token and per-block logprobs of a conversations file (`python3 training/logprob_job.py`). */
import { z } from "zod";
import {
  checkDatasetPurpose,
  datasetRef,
  int,
  nonEmpty,
} from "../../../supabase/functions/_shared/jobs/param-rules.ts";
import { logprobVramGb } from "../../../supabase/functions/_shared/jobs/vram.ts";
import type { BuiltInContext } from "./context.ts";
import { BuiltInFamily } from "./family.ts";

export const logprobParams = z
  .strictObject({
    model: nonEmpty,
    dataset: datasetRef,
    batch_size: int(1).default(8),
    chat_template: nonEmpty.default("default"),
    max_seq_length: int(2).default(8196),
    train_on_responses_only: z.boolean().default(true),
  })
  .superRefine((p, ctx) => checkDatasetPurpose(ctx, p.dataset, ["conversations"], ["dataset"]));

export type LogprobParams = z.input<typeof logprobParams>;
export type Logprob = BuiltInFamily<typeof logprobParams>;

export function logprobFamily(ctx: BuiltInContext): Logprob {
  return new BuiltInFamily(
    {
      type: "logprob",
      schema: logprobParams,
      image: "vllm",
      entrypoint: ["python3", "training/logprob_job.py"],
      datasets: async (p, mount) => ({ ...p, dataset: await mount(p.dataset, "conversations") }),
      vramGuess: (p) => logprobVramGb(p.model),
    },
    ctx,
  );
}
