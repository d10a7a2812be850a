/**
 * `ow.fineTuning` (SFT / DPO / ORPO on the Unsloth image, `python3 training/train.py`) and
 * `ow.weightedSft` (token-weighted SFT with transformers + PEFT on the vLLM image,
 * `python3 training/weighted_sft.py`). Both push to `finetuned_model_id`, expanded here.
 */
import type { z } from "zod";
import { hubModelIdProblem } from "../../../supabase/functions/_shared/jobs/param-rules.ts";
import {
  fineTuningParams,
  type TrainingParamsOut,
  weightedSftParams,
} from "../../../supabase/functions/_shared/jobs/training-params.ts";
import {
  FINE_TUNING_DEFAULT_GB,
  WEIGHTED_SFT_DEFAULT_GB,
} from "../../../supabase/functions/_shared/jobs/vram.ts";
import { InvalidParamsError } from "../core/errors.ts";
import type { BuiltInContext } from "./context.ts";
import { BuiltInFamily, type DatasetMounter, type FinalizeInput } from "./family.ts";
import { formatTemplate, JOB_ID_PLACEHOLDER, templateUses, templateValues } from "./model-naming.ts";

async function mountTrainingData<P extends TrainingParamsOut>(
  p: P,
  mount: DatasetMounter,
  purpose: string,
): Promise<P> {
  const logp: Record<string, string> = {};
  for (const [tag, ref] of Object.entries(p.logp_callback_datasets))
    logp[tag] = await mount(ref, "conversations");
  const sampling = [];
  for (const callback of p.sampling_callbacks ?? [])
    sampling.push({ ...callback, dataset: await mount(callback.dataset, "conversations") });
  return {
    ...p,
    training_file: await mount(p.training_file, purpose),
    test_file: p.test_file === null ? null : await mount(p.test_file, purpose),
    logp_callback_datasets: logp,
    sampling_callbacks: p.sampling_callbacks === null ? null : sampling,
  };
}

/**
 * Expands the `finetuned_model_id` template (see model-naming.ts) and checks the result. `{job_id}`
 * is sent as the placeholder: the database fills in the job's id when it stores the job.
 */
async function expandModelId<P extends TrainingParamsOut>(
  type: string,
  params: P,
  { given, hfOrg }: FinalizeInput<P>,
): Promise<P> {
  const template = params.finetuned_model_id;
  if (template === null) return params;
  const fail = (message: string) => new InvalidParamsError(type, [{ path: "finetuned_model_id", message }]);
  if (templateUses(template, "org_id") && !hfOrg) {
    if (!params.push_to_hub) return { ...params, finetuned_model_id: null };
    throw fail("{org_id} needs a Hugging Face org: pass { hfOrg } or set HF_ORG or HF_USER");
  }
  // A marker no template can produce, so an escaped `{{job_id}}` stays literal (and invalid).
  const marker = "\u0000job_id\u0000";
  const modelName = given.model.split("/").pop() ?? given.model;
  let expanded: string;
  try {
    const values = templateValues(given as Record<string, unknown>, {
      org_id: hfOrg,
      model_name: modelName,
      job_id: marker,
    });
    expanded = formatTemplate(template, values);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const suffix = "ft_id_suffix" in params ? params.ft_id_suffix : null;
  if (suffix) expanded = `${expanded}-${suffix}`;
  // Checked with an id of the real shape in the placeholder's place.
  const asStored = expanded.replaceAll(
    marker,
    `${type}-000000000000${params.job_id_suffix ? `-${params.job_id_suffix}` : ""}`,
  );
  const problem = hubModelIdProblem(asStored);
  if (problem) throw fail(`"${asStored}" ${problem}`);
  return { ...params, finetuned_model_id: expanded.replaceAll(marker, JOB_ID_PLACEHOLDER) };
}

export type FineTuning = BuiltInFamily<typeof fineTuningParams>;
export type WeightedSft = BuiltInFamily<typeof weightedSftParams>;

export function fineTuningFamily(ctx: BuiltInContext): FineTuning {
  type P = z.output<typeof fineTuningParams>;
  return new BuiltInFamily(
    {
      type: "fine-tuning",
      schema: fineTuningParams,
      image: "unsloth",
      entrypoint: ["python3", "training/train.py"],
      datasets: (p: P, mount) =>
        mountTrainingData(p, mount, p.loss === "sft" ? "conversations" : "preference"),
      vramGuess: () => FINE_TUNING_DEFAULT_GB,
      finalize: (p: P, input) => expandModelId("fine-tuning", p, input),
    },
    ctx,
  );
}

export function weightedSftFamily(ctx: BuiltInContext): WeightedSft {
  type P = z.output<typeof weightedSftParams>;
  return new BuiltInFamily(
    {
      type: "weighted-sft",
      schema: weightedSftParams,
      image: "vllm",
      entrypoint: ["python3", "training/weighted_sft.py"],
      datasets: (p: P, mount) => mountTrainingData(p, mount, "conversations"),
      // the original: 60 GB, or 0 when hardware is pinned ("assume they know")
      vramGuess: (_p, allowedHardware) => (allowedHardware ? 0 : WEIGHTED_SFT_DEFAULT_GB),
      finalize: (p: P, input) => expandModelId("weighted-sft", p, input),
    },
    ctx,
  );
}
