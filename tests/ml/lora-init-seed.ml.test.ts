// A LoRA fine-tune on the transformers backend starts from the same adapter for the same seed:
// the adapter's init was drawn from whatever state torch's RNG was in, so the job's `seed` did not
// make a run repeatable (and the ML suite's "loss falls" check once failed on an unlucky draw).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { jobScriptsDir, ML_JOB_ENV, prepareMlEnv } from "./ml-env.ts";

it("the adapter's initial weights follow the job's seed", () => {
  const env = prepareMlEnv();
  const out = execFileSync(env.python, [join(import.meta.dirname, "lora_init_seed.py"), env.models.llama], {
    cwd: jobScriptsDir,
    env: { ...process.env, ...ML_JOB_ENV, PYTHONPATH: jobScriptsDir },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const result = JSON.parse(out.trim().split("\n").at(-1) ?? "");
  expect(result.adapters).toBeGreaterThan(0);
  expect(result).toMatchObject({ same_seed_equal: true, other_seed_equal: false });
}, 180_000);
