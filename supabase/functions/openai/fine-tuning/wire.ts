// A `fine-tuning` job row as OpenAI's FineTuningJob. Everything is read back from the job's own
// params (so jobs submitted with the SDK or CLI show up too): the mapping is the inverse of
// submission.ts and is tabled in docs/openai-compatibility.md.
import type { JobStatus } from "../../_shared/contract/enums.ts";
import { FINE_TUNING_STATUS, type FineTuningJob } from "../../_shared/contract/openai/fine-tuning.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { unix, unixOrNull } from "../context.ts";
import { BASE_LEARNING_RATE } from "./submission.ts";

export const FINE_TUNING_COLUMNS = `id, organization_id, type, status, params, outputs, failure_kind, failure_message,
  waiting_reason, created_at, started_at, finished_at`;

/** `data/<file id>.jsonl` (where the job sees a dataset) → the file id. */
export function mountedFileId(path: unknown): string | null {
  if (typeof path !== "string") return null;
  return /^data\/(.+)\.jsonl$/.exec(path)?.[1] ?? path;
}

/** OpenAI metadata is a string map; a native job's `meta` may hold other values, shown as JSON. */
function metadataOf(meta: unknown): Record<string, string> | null {
  if (!meta || typeof meta !== "object" || Array.isArray(meta)) return null;
  const entries = Object.entries(meta as Record<string, unknown>).slice(0, 16);
  return Object.fromEntries(
    entries.map(([k, v]) => [k.slice(0, 64), (typeof v === "string" ? v : JSON.stringify(v)).slice(0, 512)]),
  );
}

function num(value: unknown, fallback: number): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export function fineTuningJobToOpenAI(row: Record<string, unknown>, resultFiles: string[]): FineTuningJob {
  const p = (row.params ?? {}) as Record<string, unknown>;
  const status = FINE_TUNING_STATUS[row.status as JobStatus] ?? "queued";
  const dpo = p.loss === "dpo" || p.loss === "orpo";
  const hyperparameters = {
    batch_size: num(p.per_device_train_batch_size, 2) * num(p.gradient_accumulation_steps, 8),
    learning_rate_multiplier: num(p.learning_rate, BASE_LEARNING_RATE) / BASE_LEARNING_RATE,
    n_epochs: num(p.epochs, 1),
    ...(dpo ? { beta: num(p.beta, 0.1) } : {}),
  };
  const outputs = (row.outputs ?? {}) as Record<string, unknown>;
  const pushed = typeof outputs.finetuned_model_id === "string" ? outputs.finetuned_model_id : null;
  return {
    id: String(row.id),
    object: "fine_tuning.job",
    created_at: unix(row.created_at),
    finished_at: unixOrNull(row.finished_at),
    model: String(p.model ?? ""),
    fine_tuned_model:
      status === "succeeded"
        ? (pushed ?? (typeof p.finetuned_model_id === "string" ? p.finetuned_model_id : null))
        : null,
    organization_id: String(row.organization_id),
    status,
    error:
      row.status === "failed"
        ? {
            code: String(row.failure_kind ?? "failed"),
            message: String(row.failure_message ?? "the job failed"),
            param: null,
          }
        : null,
    hyperparameters,
    method: dpo
      ? { type: "dpo", dpo: { hyperparameters } }
      : { type: "supervised", supervised: { hyperparameters } },
    training_file: mountedFileId(p.training_file) ?? "",
    validation_file: mountedFileId(p.test_file),
    result_files: resultFiles,
    trained_tokens: null,
    seed: num(p.seed, 3407),
    estimated_finish: null,
    integrations: [],
    metadata: metadataOf(p.meta),
    user_provided_suffix: typeof p.job_id_suffix === "string" ? p.job_id_suffix : null,
    openweights: {
      job_type: String(row.type),
      waiting_reason: row.status === "pending" ? ((row.waiting_reason as string | null) ?? null) : null,
    },
  };
}

/** Result file ids per job (the `file` events its runs emitted), for a page of jobs at once. */
export async function resultFilesOf(tx: Tx, org: string, jobIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (jobIds.length === 0) return out;
  const rows = await tx`select job_id, array_agg(distinct data ->> 'file_id') as files from public.events
    where organization_id = ${org} and job_id = any (${jobIds}::text[]) and type = 'file' group by job_id`;
  for (const r of rows) out.set(String(r.job_id), (r.files as string[]).filter(Boolean).sort());
  return out;
}
