// Reads a Batch API input file (JSONL of /v1/chat/completions requests) into what one inference
// job needs: the conversations to generate for (custom_id travels in each row, and the inference
// job copies input rows into its results) and the sampling settings every line shares.
import { type BatchChatBody, BatchRequestLine } from "../../_shared/contract/openai/batches.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { zodDetails } from "../../_shared/http/base-app.ts";

/** OpenAI's limit on a batch's input file. */
export const MAX_BATCH_INPUT_BYTES = 200 * 1024 * 1024;
export const MAX_BATCH_REQUESTS = 50_000;

export interface BatchInput {
  model: string;
  /** The inference job's params that come from the requests (shared by every line). */
  sampling: Record<string, unknown>;
  /** One conversations row per request: `{"messages": [...], "custom_id": "..."}`. */
  conversations: string;
  customIds: string[];
}

const fail = (line: number | null, message: string) =>
  new ApiError(400, "invalid_request", `input_file_id: ${line === null ? "" : `line ${line}: `}${message}`, [
    { path: "input_file_id", message: line === null ? message : `line ${line}: ${message}` },
  ]);

/** The inference job runs one sampling configuration, taken from each line's body. */
function samplingOf(body: BatchChatBody): Record<string, unknown> {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    temperature: body.temperature ?? 1,
    top_p: body.top_p ?? 1,
    stop: body.stop === undefined ? [] : typeof body.stop === "string" ? [body.stop] : body.stop,
    seed: body.seed ?? null,
    n_completions_per_prompt: body.n ?? 1,
    logprobs: body.logprobs ? (body.top_logprobs ?? 0) : null,
  };
}

export function readBatchInput(text: string): BatchInput {
  const lines = text.split("\n");
  if (lines.at(-1)?.trim() === "") lines.pop();
  if (lines.length === 0) throw fail(null, "the file has no requests");
  if (lines.length > MAX_BATCH_REQUESTS) throw fail(null, `at most ${MAX_BATCH_REQUESTS} requests per batch`);
  const seen = new Set<string>();
  const rows: string[] = [];
  let model: string | undefined;
  let sampling: string | undefined;
  let shared: Record<string, unknown> = {};
  for (const [index, raw] of lines.entries()) {
    const n = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw fail(n, "not valid JSON");
    }
    const parsed = BatchRequestLine.safeParse(value);
    if (!parsed.success) {
      const d = zodDetails(parsed.error)[0];
      const issue = parsed.error.issues[0];
      const path = issue?.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]].join(".") : d?.path;
      throw fail(n, `${path ?? "(line)"}: ${d?.message ?? "invalid request"}`);
    }
    const line = parsed.data;
    if (seen.has(line.custom_id)) throw fail(n, `custom_id "${line.custom_id}" appears twice`);
    seen.add(line.custom_id);
    if (model !== undefined && line.body.model !== model)
      throw fail(n, `every request of a batch must use the same model (line 1 uses "${model}")`);
    model = line.body.model;
    const mine = samplingOf(line.body);
    const key = JSON.stringify(mine);
    if (sampling !== undefined && key !== sampling)
      throw fail(
        n,
        "every request must use the same sampling settings (max_tokens, temperature, top_p, stop, seed, n, logprobs): one batch runs as one inference job",
      );
    sampling = key;
    shared = mine;
    rows.push(JSON.stringify({ messages: line.body.messages, custom_id: line.custom_id }));
  }
  return {
    model: model as string,
    sampling: shared,
    conversations: `${rows.join("\n")}\n`,
    customIds: [...seen],
  };
}
