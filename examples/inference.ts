// Batch inference with vLLM over a file of conversations; results.jsonl comes back as a result
// file. npx tsx examples/inference.ts
import { fileURLToPath } from "node:url";
import { type Example, runIfMain } from "./example-runner.ts";

export const inference: Example = async ({ ow, validateOnly, log }) => {
  const job = await ow.inference.create({
    model: "Qwen/Qwen3-4B",
    input_file: fileURLToPath(new URL("./data/prompts.jsonl", import.meta.url)),
    max_tokens: 128,
    temperature: 0.7,
    n_completions_per_prompt: 2,
    min_tokens: 4,
  });
  log(`inference job ${job.id}: ${job.status}`);
  if (validateOnly) {
    await ow.jobs.cancel(job.id);
    return;
  }
  await ow.jobs.wait(job.id);
  for await (const event of ow.events.list(job.id, { type: "file" })) {
    log(`result ${event.data.path}:\n${await (await ow.files.content(String(event.data.file_id))).text()}`);
  }
};

runIfMain(import.meta, inference);
