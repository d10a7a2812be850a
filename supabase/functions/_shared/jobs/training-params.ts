/**
 * Params of the two training jobs (`training/params.py`): fine-tuning (SFT / DPO / ORPO) and
 * token-weighted SFT share one table with different defaults. Unknown keys are rejected, as the
 * job does. `finetuned_model_id` is a template here; the SDK expands it before submitting.
 */
import { z } from "zod";
import {
  checkDatasetPurpose,
  datasetRef,
  every,
  hubModelIdProblem,
  idSuffix,
  int,
  learningRate,
  nonEmpty,
  num,
  stringList,
} from "./param-rules.ts";

export const DEFAULT_TARGET_MODULES = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
];
export const DEFAULT_FINETUNED_MODEL_ID = "{org_id}/{model_name}-{job_id}";
export const LR_SCHEDULERS = [
  "linear",
  "cosine",
  "cosine_with_restarts",
  "polynomial",
  "constant",
  "constant_with_warmup",
] as const;
export const OPTIMIZERS = ["adamw_8bit", "adamw_torch", "adamw", "adam", "sgd"] as const;

type Kind = "fine_tuning" | "weighted_sft";

function samplingCallback(kind: Kind) {
  return z.strictObject({
    dataset: datasetRef,
    eval_steps: every.default(kind === "weighted_sft" ? "log" : 10),
    batch_size: int(1).default(8),
    tag: nonEmpty.default("samples"),
    temperature: num(0).default(0),
    max_tokens: int(1).default(600),
  });
}

function sharedFields(kind: Kind) {
  const weighted = kind === "weighted_sft";
  return {
    model: nonEmpty,
    training_file: datasetRef,
    test_file: datasetRef.nullable().default(null),
    chat_template: nonEmpty.default("default"),
    /** A template: `{org_id}` (HF org), `{model_name}`, `{job_id}`, any string param. Null = no Hub repo. */
    finetuned_model_id: nonEmpty.nullable().default(DEFAULT_FINETUNED_MODEL_ID),
    job_id_suffix: idSuffix,
    push_to_hub: z.boolean().default(true),
    merge_before_push: z.boolean().default(true),
    push_to_private: z.boolean().default(true),
    max_seq_length: int(1).default(2048),
    load_in_4bit: z.boolean().default(false),
    is_peft: z.boolean().default(true),
    target_modules: stringList.default(DEFAULT_TARGET_MODULES),
    lora_bias: z.enum(["none", "all"]).default("none"),
    r: int(1).default(16),
    lora_alpha: num(0, undefined, true).default(16),
    lora_dropout: num(0, 1).default(0),
    use_rslora: z.boolean().default(true),
    epochs: num(0, undefined, true).default(1),
    max_steps: int(1).nullable().default(null),
    per_device_train_batch_size: int(1).default(2),
    gradient_accumulation_steps: int(1).default(8),
    warmup_steps: int(0).default(5),
    learning_rate: learningRate.default(1e-4),
    logging_steps: int(1).default(1),
    optim: z.enum(OPTIMIZERS).default(weighted ? "adamw_torch" : "adamw_8bit"),
    weight_decay: num(0).default(0.01),
    lr_scheduler_type: z.enum(LR_SCHEDULERS).default("linear"),
    seed: int(0).default(3407),
    save_steps: int(1).default(5000),
    output_dir: nonEmpty
      .refine((p) => !p.startsWith("/") && !p.replaceAll("\\", "/").split("/").includes(".."), {
        message: "must be a relative path inside the job's working directory",
      })
      .default("./tmp"),
    train_on_responses_only: z.boolean().default(true),
    logp_callback_datasets: z.record(nonEmpty, datasetRef).default({}),
    eval_every_n_steps: every.default(weighted ? "log" : 5000),
    sampling_callbacks: z.array(samplingCallback(kind)).nullable().default(null),
    eval_batch_size: int(1).default(8),
    test_file_eval_steps: every.nullable().default(null),
    test_file_eval_strategy: z.enum(["epoch", "steps", "no"]).default("epoch"),
    /** Free object stored with the job's params (searchable; part of the job's identity). */
    meta: z.record(z.string(), z.unknown()).nullable().default(null),
    backend: z.enum(["auto", "unsloth", "transformers"]).default(weighted ? "transformers" : "auto"),
  };
}

export const fineTuningParams = z
  .strictObject({
    ...sharedFields("fine_tuning"),
    loss: z.enum(["sft", "dpo", "orpo"]),
    model_naming_extra_parameters: z.record(z.string(), z.unknown()).nullable().default(null),
    beta: num(0, undefined, true).default(0.1),
    packing: z.boolean().default(true),
  })
  .superRefine((p, ctx) => checkTraining(p, ctx, p.loss === "sft" ? ["conversations"] : ["preference"]));

export const weightedSftParams = z
  .strictObject({
    ...sharedFields("weighted_sft"),
    loss: z.literal("sft").default("sft"),
    /** Appended to the expanded `finetuned_model_id` as `-<suffix>`. */
    ft_id_suffix: nonEmpty.nullable().default(null),
  })
  .superRefine((p, ctx) => checkTraining(p, ctx, ["conversations"]));

export type FineTuningParams = z.input<typeof fineTuningParams>;
export type WeightedSftParams = z.input<typeof weightedSftParams>;
export type TrainingParamsOut = z.output<typeof fineTuningParams> | z.output<typeof weightedSftParams>;

type CheckedTraining = Pick<
  TrainingParamsOut,
  | "model"
  | "training_file"
  | "test_file"
  | "load_in_4bit"
  | "logp_callback_datasets"
  | "push_to_hub"
  | "merge_before_push"
  | "backend"
  | "finetuned_model_id"
>;

export function wants4bit(p: { load_in_4bit: boolean; model: string }): boolean {
  return p.load_in_4bit || p.model.toLowerCase().includes("4bit");
}

/** The job's cross-field checks, plus dataset purposes (the original checked the id prefix). */
function checkTraining(p: CheckedTraining, ctx: z.RefinementCtx, purposes: string[]): void {
  checkDatasetPurpose(ctx, p.training_file, purposes, ["training_file"]);
  checkDatasetPurpose(ctx, p.test_file, purposes, ["test_file"]);
  if (wants4bit(p) && Object.keys(p.logp_callback_datasets).length > 0)
    ctx.addIssue({
      code: "custom",
      path: ["logp_callback_datasets"],
      message: "cannot be used with a 4-bit model",
    });
  if (p.push_to_hub && p.merge_before_push && wants4bit(p) && p.backend === "transformers")
    ctx.addIssue({
      code: "custom",
      path: ["merge_before_push"],
      message: "merging a 4-bit model needs the unsloth backend; push the adapter (merge_before_push=false)",
    });
  if (p.push_to_hub && p.finetuned_model_id === null)
    ctx.addIssue({
      code: "custom",
      path: ["finetuned_model_id"],
      message: "push_to_hub needs finetuned_model_id; set push_to_hub=false to keep the model in uploads/",
    });
  // A template is checked after expansion; a literal id is checked now.
  const id = p.finetuned_model_id;
  if (id !== null && !/[{}]/.test(id)) {
    const problem = hubModelIdProblem(id);
    if (problem) ctx.addIssue({ code: "custom", path: ["finetuned_model_id"], message: problem });
  }
}
