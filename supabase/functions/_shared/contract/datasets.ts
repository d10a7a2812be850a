/**
 * The dataset rules, in one place: what a line of a `conversations` or `preference` JSONL file
 * must hold. The api validates uploads with them (DatasetValidator, streaming), the SDK re-exports
 * them to check a file before uploading, and the job scripts' Python reader
 * (sdk/job-scripts/training/dataset_files.py) is held to the same answers by the shared fixture
 * files in tests/fixtures/datasets (tests/parity/dataset-fixtures.test.ts and
 * sdk/job-scripts/tests/test_dataset_fixtures.py read the same cases.json).
 *
 * conversations: each row is a JSON object with either `messages` (a non-empty list of messages,
 *   and then no `text`) or `text` (a non-empty string).
 * preference: each row has `prompt`, `chosen` and `rejected`, each a non-empty list of messages.
 * A message has `role` ∈ system|user|assistant, `content` (a string, or a non-empty list of parts
 * that each carry a string `text`; other part keys such as `type` and `tag` are kept) and an
 * optional numeric `weight` (token-weighted SFT; a part may carry its own).
 * Lines: blank lines before the first row or after the last are ignored; a blank line between
 * rows is an error; a file without rows is an error. Line numbers are 1-based.
 */
import { z } from "zod";

const ROLE = z.enum(["system", "user", "assistant"], { error: "must be one of system, user, assistant" });
const CONTENT_ERROR = "must be a string or a non-empty list of parts, each with a string `text`";

/** A chat message as datasets and the OpenAI-compatible endpoints accept it. */
export const ChatMessage = z.looseObject({
  role: ROLE,
  content: z.union([z.string(), z.array(z.looseObject({ text: z.string() })).min(1)], {
    error: CONTENT_ERROR,
  }),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** In a dataset a message, and each of its parts, may carry a `weight` (token-weighted SFT). */
const Weight = z.number({ error: "must be a number" }).optional();
export const DatasetMessage = ChatMessage.extend({
  content: z.union([z.string(), z.array(z.looseObject({ text: z.string(), weight: Weight })).min(1)], {
    error: CONTENT_ERROR,
  }),
  weight: Weight,
});
export type DatasetMessage = z.infer<typeof DatasetMessage>;

const Messages = z
  .array(DatasetMessage, { error: "must be a list of messages" })
  .min(1, "must be a non-empty list of messages");
const MessagesRow = z.looseObject({ messages: Messages });
const TextRow = z.looseObject({
  text: z.string({ error: "must be a string" }).min(1, "must be a non-empty string"),
});

/** A conversations row: `messages` or `text`, not both. */
export const ConversationRow = z.union([
  MessagesRow.refine((r) => !("text" in r), { message: "a row has either `messages` or `text`, not both" }),
  TextRow.refine((r) => !("messages" in r), { message: "a row has either `messages` or `text`, not both" }),
]);
export type ConversationRow = z.infer<typeof ConversationRow>;

export const PreferenceRow = z.looseObject({ prompt: Messages, chosen: Messages, rejected: Messages });
export type PreferenceRow = z.infer<typeof PreferenceRow>;

export const DATASET_PURPOSES = ["conversations", "preference"] as const;
export type DatasetPurpose = (typeof DATASET_PURPOSES)[number];

/** Whether files of this purpose are checked against the rules above (the others are opaque blobs). */
export function hasContentRules(purpose: string): purpose is DatasetPurpose {
  return (DATASET_PURPOSES as readonly string[]).includes(purpose);
}

export interface LineError {
  line: number;
  message: string;
}

/** Checks one non-blank line of a dataset; null when it is valid. */
export function checkDatasetLine(purpose: DatasetPurpose, text: string, line: number): LineError | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, message: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { line, message: "must be a JSON object" };
  let schema: z.ZodType = PreferenceRow;
  if (purpose === "conversations") {
    const hasMessages = "messages" in value;
    const hasText = "text" in value;
    if (hasMessages && hasText) return { line, message: "a row has either `messages` or `text`, not both" };
    if (!hasMessages && !hasText)
      return { line, message: "must have `messages` (a list of chat messages) or `text`" };
    // The row chose its branch: checking that branch alone names the field that is wrong.
    schema = hasMessages ? MessagesRow : TextRow;
  }
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return { line, message: issue ? `${pathText(issue.path)}${issue.message}` : "invalid row" };
}

/** `messages[0].content: ` for the path ["messages", 0, "content"]. */
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "";
  const text = path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
  return `${text}: `;
}
