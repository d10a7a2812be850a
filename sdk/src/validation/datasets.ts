/**
 * Dataset rules for the purposes that have them, checked line by line so a multi-gigabyte JSONL
 * never has to sit in memory. Runtime-neutral: no node:* imports. Line numbers are 1-based.
 *
 * conversations: every line is a JSON object with either `messages` (a list of messages, and then
 *   no `text`) or `text` (a string). A message has `role` ∈ system|user|assistant and `content`,
 *   a string or a list of parts that each carry a string `text` (other part keys are allowed).
 * preference: every line has `prompt`, `chosen` and `rejected`, each a list of messages.
 * Blank lines at the start or end are ignored; a blank line between rows is an error.
 */
export interface DatasetIssue {
  line: number;
  message: string;
}

export const VALIDATED_PURPOSES = ["conversations", "preference"] as const;
export type ValidatedPurpose = (typeof VALIDATED_PURPOSES)[number];

/** Stop collecting after this many issues: a broken file would otherwise produce one per line. */
export const MAX_ISSUES = 100;

const ROLES = new Set(["system", "user", "assistant"]);

export function hasDatasetRules(purpose: string): purpose is ValidatedPurpose {
  return (VALIDATED_PURPOSES as readonly string[]).includes(purpose);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function messageProblem(message: unknown, where: string): string | undefined {
  if (!isObject(message)) return `${where} must be an object`;
  if (typeof message.role !== "string" || !ROLES.has(message.role)) {
    return `${where}.role must be one of system, user, assistant`;
  }
  const content = message.content;
  if (typeof content === "string") return undefined;
  if (!Array.isArray(content)) return `${where}.content must be a string or a list of parts`;
  const bad = content.findIndex((part) => !isObject(part) || typeof part.text !== "string");
  return bad === -1 ? undefined : `${where}.content[${bad}].text must be a string`;
}

function messagesProblem(messages: unknown, field: string): string | undefined {
  if (!Array.isArray(messages)) return `${field} must be a list of messages`;
  for (const [i, message] of messages.entries()) {
    const problem = messageProblem(message, `${field}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

export function conversationRowProblem(row: unknown): string | undefined {
  if (!isObject(row)) return "row must be a JSON object";
  const hasMessages = "messages" in row;
  const hasText = "text" in row;
  if (hasMessages && hasText) return "row must have either `messages` or `text`, not both";
  if (hasText) return typeof row.text === "string" ? undefined : "text must be a string";
  if (!hasMessages) return "row must have `messages` or `text`";
  return messagesProblem(row.messages, "messages");
}

export function preferenceRowProblem(row: unknown): string | undefined {
  if (!isObject(row)) return "row must be a JSON object";
  for (const field of ["prompt", "chosen", "rejected"]) {
    if (!(field in row)) return `row must have \`${field}\``;
    const problem = messagesProblem(row[field], field);
    if (problem) return problem;
  }
  return undefined;
}

/** Feed lines in order, then call finish(). */
export class DatasetValidator {
  readonly issues: DatasetIssue[] = [];
  private line = 0;
  private rows = 0;
  private pendingBlank: number | undefined;

  constructor(private readonly purpose: ValidatedPurpose) {}

  pushLine(text: string): void {
    this.line++;
    if (this.issues.length >= MAX_ISSUES) return;
    if (text.trim() === "") {
      if (this.rows > 0) this.pendingBlank ??= this.line;
      return;
    }
    if (this.pendingBlank !== undefined) {
      this.issues.push({ line: this.pendingBlank, message: "blank line between rows" });
      this.pendingBlank = undefined;
    }
    this.rows++;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      this.issues.push({ line: this.line, message: "not valid JSON" });
      return;
    }
    const problem =
      this.purpose === "conversations" ? conversationRowProblem(row) : preferenceRowProblem(row);
    if (problem) this.issues.push({ line: this.line, message: problem });
  }

  finish(): DatasetIssue[] {
    if (this.rows === 0 && this.issues.length === 0)
      this.issues.push({ line: 1, message: "file has no rows" });
    return this.issues;
  }
}

/** Validates a whole text or byte buffer. Purposes without rules are always valid. */
export function validateDataset(purpose: string, content: string | Uint8Array): DatasetIssue[] {
  if (!hasDatasetRules(purpose)) return [];
  const text = typeof content === "string" ? content : new TextDecoder().decode(content);
  const validator = new DatasetValidator(purpose);
  for (const line of text.split(/\r?\n/)) validator.pushLine(line);
  return validator.finish();
}

/** Validates a stream of bytes without holding more than one line at a time. */
export async function validateDatasetStream(
  purpose: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<DatasetIssue[]> {
  if (!hasDatasetRules(purpose)) return [];
  const validator = new DatasetValidator(purpose);
  const decoder = new TextDecoder();
  let carry = "";
  for await (const chunk of chunks) {
    const lines = (carry + decoder.decode(chunk, { stream: true })).split(/\r?\n/);
    carry = lines.pop() ?? "";
    for (const line of lines) validator.pushLine(line);
    if (validator.issues.length >= MAX_ISSUES) break;
  }
  carry += decoder.decode();
  validator.pushLine(carry);
  return validator.finish();
}
