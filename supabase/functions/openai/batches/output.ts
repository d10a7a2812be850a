// Assembles a finished batch's output and error files in OpenAI's batch output format from the
// inference job's results.jsonl (each input row + `completion`, see
// sdk/job-scripts/inference/params.py result_row). Both are content-addressed `batch_output`
// files, so two requests finalizing the same batch at once store the same files.
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../../_shared/auth/hashing.ts";
import type { BatchOutputLine } from "../../_shared/contract/openai/batches.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { fileStaged, stageStream } from "../../_shared/files/file-ingest.ts";
import { objectKey } from "../../_shared/files/file-store.ts";
import { type OpenAIDeps, unix } from "../context.ts";

const RESULTS = "results.jsonl";

const shortHash = (text: string, n: number) => hex(sha256(new TextEncoder().encode(text))).slice(0, n);

async function readText(deps: OpenAIDeps, org: string, fileId: string): Promise<string | null> {
  const stream = await deps.store.get(objectKey(org, fileId));
  return stream ? await new Response(stream).text() : null;
}

/** Each request's answer (or error) as an output line. */
export function outputLines(
  batchId: string,
  model: string,
  finishedAt: number,
  customIds: string[],
  results: string | null,
): { output: BatchOutputLine[]; errors: BatchOutputLine[] } {
  const byId = new Map<string, Record<string, unknown>>();
  for (const line of (results ?? "").split("\n")) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as Record<string, unknown>;
      if (typeof row.custom_id === "string") byId.set(row.custom_id, row);
    } catch {
      // a line the job did not finish writing: that request is reported as failed below
    }
  }
  const output: BatchOutputLine[] = [];
  const errors: BatchOutputLine[] = [];
  for (const customId of customIds) {
    const id = `batch_req_${shortHash(`${batchId}\n${customId}`, 24)}`;
    const row = byId.get(customId);
    const completion = row?.completion;
    const texts =
      typeof completion === "string"
        ? [completion]
        : Array.isArray(completion)
          ? completion.map(String)
          : null;
    if (!texts) {
      errors.push({
        id,
        custom_id: customId,
        response: null,
        error: { code: "no_output", message: "the inference job wrote no completion for this request" },
      });
      continue;
    }
    const body = {
      id: `chatcmpl-${shortHash(`${id}\n${texts.join("\n")}`, 24)}`,
      object: "chat.completion",
      created: finishedAt,
      model,
      choices: texts.map((content, index) => ({
        index,
        message: { role: "assistant", content, refusal: null },
        finish_reason: "stop",
        logprobs: null,
      })),
    };
    output.push({
      id,
      custom_id: customId,
      response: { status_code: 200, request_id: id, body },
      error: null,
    });
  }
  return { output, errors };
}

async function store(deps: OpenAIDeps, tx: Tx, org: string, name: string, lines: BatchOutputLine[]) {
  if (lines.length === 0) return null;
  const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
  const staged = await stageStream(deps.store, {
    org,
    purpose: "batch_output",
    filename: name,
    body: new Blob([text]).stream(),
    maxBytes: deps.config.maxUploadBytes,
  });
  return String((await fileStaged(tx, deps.store, staged)).file.id);
}

/** Writes the output/error files of a completed batch once; returns the row's new values. */
export async function finalizeBatch(
  deps: OpenAIDeps,
  tx: Tx,
  row: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const org = String(row.organization_id);
  const id = String(row.id);
  const [result] = await tx`select data ->> 'file_id' as file_id from public.events
    where organization_id = ${org} and job_id = ${id} and type = 'file' and data ->> 'path' like ${`%${RESULTS}`}
    order by id desc limit 1`;
  const results = result?.file_id ? await readText(deps, org, String(result.file_id)) : null;
  const [input] = await tx`select params ->> 'input_file' as input from public.jobs where id = ${id}`;
  const conversationsId = /^data\/(.+)\.jsonl$/.exec(String(input?.input ?? ""))?.[1];
  const conversations = conversationsId ? ((await readText(deps, org, conversationsId)) ?? "") : "";
  const customIds = conversations
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => String((JSON.parse(l) as { custom_id?: unknown }).custom_id));
  const { output, errors } = outputLines(id, String(row.model), unix(row.finished_at), customIds, results);
  const outputFile = await store(deps, tx, org, `${id}_output.jsonl`, output);
  const errorFile = await store(deps, tx, org, `${id}_error.jsonl`, errors);
  await tx`update openai.batches set output_file_id = ${outputFile}, error_file_id = ${errorFile},
      request_completed = ${output.length}, request_failed = ${errors.length}
    where organization_id = ${org} and id = ${id} and request_completed is null`;
  return {
    ...row,
    output_file_id: outputFile,
    error_file_id: errorFile,
    request_completed: output.length,
    request_failed: errors.length,
  };
}
