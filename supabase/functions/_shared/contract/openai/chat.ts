/**
 * The chat completions request as this function reads it: only what routing needs (`model`,
 * `stream`) is checked here; the body is forwarded unchanged to the deployment (vLLM's
 * OpenAI-compatible server), which validates the rest and answers in OpenAI's shapes.
 */
import { z } from "zod";
import { ChatMessage } from "../datasets.ts";

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1).max(300),
  messages: z.array(z.union([ChatMessage, z.looseObject({ role: z.enum(["tool", "developer"]) })])).min(1),
  stream: z.boolean().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** What the client parses from a non-streamed answer (checked before it is passed on). */
export const ChatCompletion = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), message: z.looseObject({ role: z.string() }) })),
});
