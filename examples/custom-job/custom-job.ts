// A custom job family: typed params, a mounted script, an argv entrypoint. Resubmitting the same
// params returns the same job (content-addressed), so this is safe to run twice.
//   npx tsx examples/custom-job/custom-job.ts   (with OPENWEIGHTS_API_URL / OPENWEIGHTS_API_KEY set)
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { OpenWeights } from "../../sdk/src/node/index.ts";

export const TrainParams = z.object({
  steps: z.number().int().min(1).max(10_000).default(20),
  learning_rate: z.number().positive().max(1).default(0.1),
});

export function trainingFamily(ow: OpenWeights) {
  return ow.register({
    type: "demo-train",
    params: TrainParams,
    image: "openweights/local-python",
    entrypoint: ["python3", "train.py"],
    mount: { "train.py": fileURLToPath(new URL("./train.py", import.meta.url)) },
    requiresVramGb: 0,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ow = new OpenWeights();
  const job = await trainingFamily(ow).create({ steps: 20, learning_rate: 0.1 });
  console.log(`submitted ${job.id} (${job.status})`);
  const done = await ow.jobs.wait(job.id);
  console.log(`${done.id}: ${done.status}`, await ow.events.latest(done.id, ["loss", "final_loss"]));
}
