// A retried training run whose last checkpoint already holds max_steps must not train again:
// transformers' Trainer, resumed there, takes one step past max_steps (the ML suite's resume test
// once finished at step 17 of 16). training/resume.py restores the checkpoint instead.
import { expect, it } from "vitest";
import { prepareMlEnv, runMlProbe } from "./ml-env.ts";

it("resuming at the last step restores the checkpoint and trains no extra step", () => {
  const result = runMlProbe(prepareMlEnv(), "resume_at_last_step.py");
  // The behaviour the workaround exists for; if a pin bump fixes it upstream, drop training/resume.py.
  expect(result.upstream_global_step).toBe(7);
  expect(result).toMatchObject({
    global_step: 6,
    weights_are_checkpoint: true,
    weights_changed_from_init: true,
  });
}, 180_000);
