// OpenAI's fine-tuning request → the submission of our built-in `fine-tuning` job, checked by
// that job's own params schema (_shared/jobs/training-params.ts), so every rule lives in one place
// and an error still names the OpenAI field the caller sent.
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../../_shared/auth/hashing.ts";
import type { ErrorDetail } from "../../_shared/contract/errors.ts";
import type { JobSubmission } from "../../_shared/contract/jobs.ts";
import type { FineTuningJobCreate } from "../../_shared/contract/openai/fine-tuning.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { fineTuningParams } from "../../_shared/jobs/training-params.ts";
import { FINE_TUNING_DEFAULT_GB } from "../../_shared/jobs/vram.ts";

/** `learning_rate_multiplier` multiplies this (the SDK's default learning rate). */
export const BASE_LEARNING_RATE = 1e-4;

type Hyper = {
  batch_size?: number | "auto";
  learning_rate_multiplier?: number | "auto";
  n_epochs?: number | "auto";
  beta?: number | "auto";
};

/** Our param → the OpenAI field that sets it; extension params may not set these. */
function openAIField(param: string, hyperPath: string): string {
  const fields: Record<string, string> = {
    model: "model",
    training_file: "training_file",
    test_file: "validation_file",
    loss: "method.type",
    epochs: `${hyperPath}.n_epochs`,
    learning_rate: `${hyperPath}.learning_rate_multiplier`,
    per_device_train_batch_size: `${hyperPath}.batch_size`,
    gradient_accumulation_steps: `${hyperPath}.batch_size`,
    beta: `${hyperPath}.beta`,
    seed: "seed",
    job_id_suffix: "suffix",
    meta: "metadata",
    finetuned_model_id: "openweights.hf_org",
    push_to_hub: "openweights.hf_org",
  };
  return fields[param] ?? `openweights.params.${param}`;
}

const RESERVED = [
  "model",
  "training_file",
  "test_file",
  "loss",
  "epochs",
  "learning_rate",
  "per_device_train_batch_size",
  "gradient_accumulation_steps",
  "beta",
  "seed",
  "job_id_suffix",
  "meta",
  "finetuned_model_id",
  "push_to_hub",
  // datasets other than the training and validation files are not mounted by this endpoint
  "logp_callback_datasets",
  "sampling_callbacks",
];

const bad = (param: string, message: string) =>
  new ApiError(400, "invalid_request", `${param}: ${message}`, [{ path: param, message }]);

function hyperparametersOf(body: FineTuningJobCreate): { hyper: Hyper; path: string } {
  const method = body.method;
  if (method && body.hyperparameters)
    throw bad("hyperparameters", "give hyperparameters under method.<type>.hyperparameters, not both");
  if (!method) return { hyper: body.hyperparameters ?? {}, path: "hyperparameters" };
  const hyper = method.type === "dpo" ? method.dpo?.hyperparameters : method.supervised?.hyperparameters;
  return { hyper: hyper ?? {}, path: `method.${method.type}.hyperparameters` };
}

/** The params the job gets, before our schema fills its defaults. */
export function fineTuningInput(
  body: FineTuningJobCreate,
  orgId: string,
): { input: Record<string, unknown>; hyperPath: string } {
  const { hyper, path } = hyperparametersOf(body);
  const ext = body.openweights ?? {};
  const extra = ext.params ?? {};
  for (const key of Object.keys(extra))
    if (RESERVED.includes(key))
      throw bad(`openweights.params.${key}`, `set by ${openAIField(key, path)} here`);
  const input: Record<string, unknown> = {
    ...extra,
    model: body.model,
    training_file: body.training_file,
    test_file: body.validation_file ?? null,
    loss: body.method?.type === "dpo" ? "dpo" : "sft",
    job_id_suffix: body.suffix ?? null,
    meta: body.metadata ?? null,
  };
  if (typeof hyper.n_epochs === "number") input.epochs = hyper.n_epochs;
  if (typeof hyper.learning_rate_multiplier === "number")
    input.learning_rate = (ext.base_learning_rate ?? BASE_LEARNING_RATE) * hyper.learning_rate_multiplier;
  else if (ext.base_learning_rate !== undefined) input.learning_rate = ext.base_learning_rate;
  if (typeof hyper.batch_size === "number") {
    input.per_device_train_batch_size = hyper.batch_size;
    input.gradient_accumulation_steps = 1;
  }
  if (typeof hyper.beta === "number") input.beta = hyper.beta;
  if (typeof body.seed === "number") input.seed = body.seed;
  if (ext.hf_org) {
    // A stable, unique Hub repo per request: the hash covers everything the job is asked to do.
    const digest = hex(sha256(new TextEncoder().encode(`${JSON.stringify(input)}\n${orgId}`))).slice(0, 12);
    const name = body.model.split("/").pop() ?? body.model;
    input.finetuned_model_id = `${ext.hf_org}/${name}-${body.suffix ?? "ft"}-${digest}`.slice(0, 96 + 1 + 96);
  } else {
    input.finetuned_model_id = null;
    input.push_to_hub = false;
  }
  return { input, hyperPath: path };
}

/** The built-in job's submission; `mounts` are the scripts' and the datasets' file ids. */
export function fineTuningSubmission(
  body: FineTuningJobCreate,
  orgId: string,
  scripts: Record<string, string>,
  image: string,
): JobSubmission {
  const { input, hyperPath } = fineTuningInput(body, orgId);
  const parsed = fineTuningParams.safeParse(input);
  if (!parsed.success) {
    const details: ErrorDetail[] = parsed.error.issues.slice(0, 20).map((i) => {
      const path = i.code === "unrecognized_keys" ? [...i.path, i.keys[0]] : i.path;
      const [head, ...rest] = path.map(String);
      return { path: [openAIField(head ?? "", hyperPath), ...rest].join("."), message: i.message };
    });
    throw new ApiError(
      400,
      "invalid_request",
      details.map((d) => `${d.path}: ${d.message}`).join("; "),
      details,
    );
  }
  const p = parsed.data;
  const data: Record<string, string> = {};
  const mount = (id: string) => {
    data[`data/${id}.jsonl`] = id;
    return `data/${id}.jsonl`;
  };
  const params = {
    ...p,
    training_file: mount(p.training_file),
    test_file: p.test_file === null ? null : mount(p.test_file),
  };
  const ext = body.openweights ?? {};
  const mounts = Object.fromEntries(
    Object.entries({ ...scripts, ...data }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    type: "fine-tuning",
    image,
    entrypoint: ["python3", "training/train.py"],
    params,
    mounts,
    requires_vram_gb: ext.requires_vram_gb ?? FINE_TUNING_DEFAULT_GB,
    allowed_hardware: ext.allowed_hardware ?? null,
    priority: ext.priority ?? 0,
    secrets: ["HF_TOKEN"],
    model: p.model,
    id_suffix: p.job_id_suffix,
  };
}
