/** Models on OpenAI's wire (openai-node 6.30.1 `src/resources/models.ts`): a plain `list` page. */
import { z } from "zod";
import { UnixSeconds } from "./common.ts";

export const OpenAIModel = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: UnixSeconds,
  owned_by: z.string(),
  /** Ours: where the model comes from and whether a deployment of it is serving now. */
  openweights: z.object({
    source: z.enum(["fine-tuning", "deployment"]),
    job_id: z.string(),
    serving: z.boolean(),
  }),
});
export type OpenAIModel = z.infer<typeof OpenAIModel>;
export const OpenAIModelList = z.object({ object: z.literal("list"), data: z.array(OpenAIModel) });
