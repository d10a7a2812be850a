// A LoRA fine-tune on the transformers backend starts from the same adapter for the same seed:
// the adapter's init was drawn from whatever state torch's RNG was in, so the job's `seed` did not
// make a run repeatable (and the ML suite's "loss falls" check once failed on an unlucky draw).
import { expect, it } from "vitest";
import { prepareMlEnv, runMlProbe } from "./ml-env.ts";

it("the adapter's initial weights follow the job's seed", () => {
  const env = prepareMlEnv();
  const result = runMlProbe(env, "lora_init_seed.py", [env.models.llama]);
  expect(result.adapters).toBeGreaterThan(0);
  expect(result).toMatchObject({ same_seed_equal: true, other_seed_equal: false });
}, 180_000);
