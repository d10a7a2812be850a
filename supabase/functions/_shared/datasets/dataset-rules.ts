// Content rules for dataset purposes, checked line by line so the api can validate a stream and
// the SDK can validate before uploading. Errors name the line (1-based) and the field.
import { z } from "zod";

const ContentPart = z.looseObject({ text: z.string() });
export const ChatMessage = z.looseObject({
  role: z.enum(["system", "user", "assistant"]),
  content: z.union([z.string(), z.array(ContentPart).min(1)]),
});

export const ConversationRow = z.union([
  z.looseObject({ messages: z.array(ChatMessage).min(1) }).refine((r) => !("text" in r), {
    message: "a row has either `messages` or `text`, not both",
  }),
  z
    .looseObject({ text: z.string() })
    .refine((r) => !("messages" in r), { message: "a row has either `messages` or `text`, not both" }),
]);

export const PreferenceRow = z.looseObject({
  prompt: z.array(ChatMessage).min(1),
  chosen: z.array(ChatMessage).min(1),
  rejected: z.array(ChatMessage).min(1),
});

export type DatasetPurpose = "conversations" | "preference";

export function hasContentRules(purpose: string): purpose is DatasetPurpose {
  return purpose === "conversations" || purpose === "preference";
}

export interface LineError {
  line: number;
  message: string;
}

/** Checks one line of a dataset; null when it is valid. */
export function checkDatasetLine(purpose: DatasetPurpose, text: string, line: number): LineError | null {
  if (text.trim() === "") return { line, message: "blank line (only a trailing newline is allowed)" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, message: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { line, message: "must be a JSON object" };
  const schema = purpose === "conversations" ? ConversationRow : PreferenceRow;
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  if (purpose === "conversations" && !("messages" in value) && !("text" in value)) {
    return { line, message: "must have `messages` (a list of chat messages) or `text`" };
  }
  return { line, message: `${where}${issue?.message ?? "invalid row"}` };
}
