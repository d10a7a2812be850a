// The openai function's own settings, parsed once at start-up next to the shared FunctionEnv.
import { z } from "zod";
import { DEFAULT_IMAGES } from "../_shared/jobs/images.ts";

export const OpenAIEnv = z.object({
  /** Image of the fine-tuning jobs it submits (the SDK's default unless set). */
  OW_OPENAI_TRAINING_IMAGE: z.string().min(1).default(DEFAULT_IMAGES.unsloth),
  /** Image of the inference (batch) and serving jobs it submits. */
  OW_OPENAI_INFERENCE_IMAGE: z.string().min(1).default(DEFAULT_IMAGES.vllm),
});
export type OpenAIEnvValues = z.infer<typeof OpenAIEnv>;

export function parseOpenAIEnv(raw: Record<string, string | undefined>): OpenAIEnvValues {
  const result = OpenAIEnv.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid openai function configuration:\n${problems}`);
  }
  return result.data;
}
