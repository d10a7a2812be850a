// The official `openai` npm client pointed at the local stack's openai function.
import OpenAI, { toFile } from "openai";
import { client, type TestStack } from "../support/stack.ts";

export function openaiClient(
  stack: TestStack,
  apiKey = stack.adminToken,
  options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {},
) {
  return new OpenAI({
    apiKey,
    baseURL: `${stack.url}/openai/v1`,
    maxRetries: 0,
    timeout: 60_000,
    ...options,
  });
}

export const SFT_ROWS = [
  {
    messages: [
      { role: "user", content: "Say hi" },
      { role: "assistant", content: "hi" },
    ],
  },
  {
    messages: [
      { role: "user", content: "Say bye" },
      { role: "assistant", content: "bye" },
    ],
  },
];

export const PREFERENCE_ROWS = [
  {
    prompt: [{ role: "user", content: "Pick one" }],
    chosen: [{ role: "assistant", content: "good" }],
    rejected: [{ role: "assistant", content: "bad" }],
  },
];

export function jsonl(rows: unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;
}

export async function upload(
  openai: OpenAI,
  text: string,
  purpose: "fine-tune" | "batch" = "fine-tune",
  name = "train.jsonl",
) {
  return openai.files.create({ file: await toFile(Buffer.from(text), name), purpose });
}

/** A token of another role, minted through the native api. */
export async function mintToken(stack: TestStack, role: "member" | "worker" | "admin"): Promise<string> {
  const api = client(stack.url, stack.adminToken);
  const res = await api("POST", "/api/tokens", { name: `openai-${role}`, role });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.token);
}

/** Rows in the tables a create may write, to prove a refused request wrote nothing. */
export async function writtenRows(stack: TestStack): Promise<{ files: number; jobs: number }> {
  const [row] = await stack.db.sql<{ files: number; jobs: number }[]>`
    select (select count(*)::int from public.files) as files, (select count(*)::int from public.jobs) as jobs`;
  return row!;
}
