// Fine-tune a model with LoRA SFT on a conversations dataset (runs on a GPU worker; the dataset
// is validated and uploaded first). npx tsx examples/fine-tuning.ts
import { fileURLToPath } from "node:url";
import { type Example, runIfMain } from "./example-runner.ts";

export const fineTuning: Example = async ({ ow, validateOnly, log }) => {
  const job = await ow.fineTuning.create(
    {
      model: "unsloth/Qwen3-4B",
      training_file: fileURLToPath(new URL("./data/train.jsonl", import.meta.url)),
      loss: "sft",
      epochs: 1,
      learning_rate: "1e-4",
      r: 16,
      push_to_hub: false,
    },
    { hfOrg: "example-org" },
  );
  log(`fine-tuning job ${job.id}: ${job.status}, needs ${job.requires_vram_gb} GB`);
  if (validateOnly) {
    await ow.jobs.cancel(job.id);
    return;
  }
  const done = await ow.jobs.wait(job.id, { onProgress: (p) => p.statusChanged && log(`  ${p.job.status}`) });
  log(
    `finished ${done.status}; final metrics: ${JSON.stringify(await ow.events.latest(job.id, ["loss", "eval_loss"]))}`,
  );
};

runIfMain(import.meta, fineTuning);
