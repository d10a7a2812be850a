// The training job types end to end on CPU: submitted with the SDK to the local stack, claimed by
// real workers, running the real job scripts on the pinned stack (torch, transformers, TRL, PEFT)
// with tiny random models built on the spot. Results are checked for sense, not only presence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MlEnv, prepareMlEnv } from "./ml-env.ts";
import { jobProcesses, type MlStack, startMlStack } from "./ml-stack.ts";
import { preferenceRows, reverseRows, TINY_TRAINING, weightedRows } from "./toy-data.ts";

let env: MlEnv;
let ml: MlStack;
const jobs: Record<string, string> = {};

const tiny = { ...TINY_TRAINING, per_device_train_batch_size: 4, logging_steps: 1 };
const onCpu = { requiresVramGb: 0, maxAttempts: 1 };

beforeAll(async () => {
  env = prepareMlEnv();
  ml = await startMlStack(env, 2);
  const train = ml.jsonl("train.jsonl", reverseRows(48, 1));
  const test = ml.jsonl("test.jsonl", reverseRows(8, 2));
  const probe = ml.jsonl("probe.jsonl", reverseRows(4, 3));
  const prompts = ml.jsonl("prompts.jsonl", reverseRows(2, 4));
  const pairs = ml.jsonl("pairs.jsonl", preferenceRows(32, 5));
  const weighted = ml.jsonl("weighted.jsonl", weightedRows(32, 6));
  const weightedProbe = ml.jsonl("weighted-probe.jsonl", weightedRows(4, 7));
  const submit = async (name: string, created: Promise<{ id: string }>) => {
    jobs[name] = (await created).id;
  };
  // Submitted up front: four workers take them side by side while the tests wait on each.
  await Promise.all([
    submit(
      "sft",
      ml.ow.fineTuning.create(
        {
          ...tiny,
          model: env.models.llama,
          loss: "sft",
          training_file: train,
          test_file: test,
          max_steps: 12,
          save_steps: 6,
          r: 8,
          lora_alpha: 16,
          logp_callback_datasets: { probe },
          eval_every_n_steps: 6,
          sampling_callbacks: [{ dataset: prompts, eval_steps: 6, max_tokens: 6, batch_size: 2 }],
          test_file_eval_strategy: "steps",
          test_file_eval_steps: 6,
        },
        onCpu,
      ),
    ),
    submit(
      "dpo",
      ml.ow.fineTuning.create(
        // 6 steps: on CPU TRL's log-prob kernel runs in Triton's interpreter (~5 s a step here)
        { ...tiny, model: env.models.qwen, loss: "dpo", training_file: pairs, max_steps: 6, beta: 0.5 },
        onCpu,
      ),
    ),
    submit(
      "orpo-full",
      ml.ow.fineTuning.create(
        { ...tiny, model: env.models.qwen, loss: "orpo", training_file: pairs, max_steps: 6, is_peft: false },
        onCpu,
      ),
    ),
    submit(
      "weighted",
      ml.ow.weightedSft.create(
        {
          ...tiny,
          model: env.models.qwen,
          training_file: weighted,
          test_file: weighted,
          max_steps: 12,
          logp_callback_datasets: { probe: weightedProbe },
          eval_every_n_steps: 12,
          sampling_callbacks: null,
        },
        onCpu,
      ),
    ),
  ]);
}, 600_000);

afterAll(async () => {
  await ml?.stop();
});

const waitDone = (id: string) => ml.waitDone(id);
const numbers = (events: Record<string, unknown>[], key: string) =>
  events.map((e) => e[key]).filter((v): v is number => typeof v === "number");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("fine-tuning on CPU through the platform", () => {
  it("trains a LoRA SFT whose loss falls, with eval, logprob tracking, samples, checkpoints and a reloadable adapter", async () => {
    const job = await waitDone(jobs.sft!);
    expect(job.status).toBe("completed");
    const metrics = (await ml.events(job.id, "metrics")).filter(
      (e) => typeof e.loss === "number" && !("eval_loss" in e),
    );
    const losses = numbers(metrics, "loss");
    expect(losses.length).toBeGreaterThanOrEqual(10);
    expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)) * 0.9);
    const evalLosses = numbers(await ml.events(job.id, "metrics"), "eval_loss");
    expect(evalLosses.length).toBeGreaterThanOrEqual(2);
    expect(evalLosses.at(-1)!).toBeLessThan(evalLosses[0]!);
    const tracked = await ml.events(job.id, "logprobs");
    expect(tracked.map((e) => e.step)).toEqual([0, 6, 12]);
    expect(tracked.at(-1)!.loss as number).toBeLessThan(tracked[0]!.loss as number);
    const samples = await ml.events(job.id, "samples");
    expect(samples.map((e) => e.step)).toEqual([0, 6, 12]);
    const sampleRows = (await ml.resultText(job.id, String(samples.at(-1)!.path))).trim().split("\n");
    expect(sampleRows.map((r) => typeof JSON.parse(r).completion)).toEqual(["string", "string"]);
    expect((await ml.events(job.id, "checkpoint")).map((e) => e.step)).toEqual([6, 12]);
    // The adapter comes back from the platform's file store and changes what the model says.
    const files = (job.outputs as { files: Record<string, string> }).files;
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["final_model/adapter_config.json", "final_model/adapter_model.safetensors"]),
    );
    const adapterDir = await ml.downloadResults(job.id, "final_model");
    const base = ml.reference(["generate", env.models.llama, "-", "repeat red cat dog"]) as { ids: number[] };
    const tuned = ml.reference(["generate", env.models.llama, adapterDir, "repeat red cat dog"]) as {
      ids: number[];
    };
    expect(tuned.ids).not.toEqual(base.ids);
  });

  it("trains DPO through TRL so the chosen-vs-rejected reward margin grows", async () => {
    const job = await waitDone(jobs.dpo!);
    expect(job.status).toBe("completed");
    const margins = numbers(await ml.events(job.id, "metrics"), "rewards/margins");
    expect(margins.length).toBeGreaterThanOrEqual(5);
    expect(mean(margins.slice(-2))).toBeGreaterThan(mean(margins.slice(0, 2)));
    expect(margins.at(-1)!).toBeGreaterThan(0);
  });

  it("trains ORPO as a full fine-tune (no adapter) and saves the whole model", async () => {
    const job = await waitDone(jobs["orpo-full"]!);
    expect(job.status).toBe("completed");
    const started = (await ml.events(job.id, "training_started"))[0]!;
    expect(started).toMatchObject({ loss: "orpo", backend: "transformers" });
    const saved = (await ml.events(job.id, "model_saved"))[0]!;
    expect(saved).toMatchObject({ adapter: false });
    const files = Object.keys((job.outputs as { files: Record<string, string> }).files);
    expect(files).toContain("final_model/model.safetensors");
    expect(files).not.toContain("final_model/adapter_config.json");
  });

  it("trains weighted SFT where positive weights raise, negative lower and zero weights leave a block's logprob", async () => {
    const job = await waitDone(jobs.weighted!);
    expect(job.status).toBe("completed");
    const blocks = await ml.events(job.id, "logprob_block");
    const byTag = (tag: string, step: number) =>
      mean(blocks.filter((b) => b.tag === tag && b.step === step).map((b) => b.logprobs as number));
    const last = Math.max(...numbers(blocks, "step"));
    expect(last).toBe(12);
    expect(byTag("learn", last)).toBeGreaterThan(byTag("learn", 0) + 0.5);
    expect(byTag("unlearn", last)).toBeLessThan(byTag("unlearn", 0));
    // weight 0: not trained on, so it moves far less than the block trained towards
    const zeroShift = Math.abs(byTag("ignore", last) - byTag("ignore", 0));
    expect(zeroShift).toBeLessThan(byTag("learn", last) - byTag("learn", 0));
  });

  it("resumes a killed training run from its last checkpoint on the retried attempt and finishes", async () => {
    const train = ml.jsonl("resume.jsonl", reverseRows(48, 9));
    const created = await ml.ow.fineTuning.create(
      {
        ...tiny,
        model: env.models.llama,
        loss: "sft",
        training_file: train,
        max_steps: 16,
        save_steps: 4,
        seed: 11,
      },
      { requiresVramGb: 0, maxAttempts: 2 },
    );
    // Wait for a checkpoint, then kill the job's process the way an OOM killer would.
    const deadline = Date.now() + 300_000;
    while ((await ml.events(created.id, "checkpoint")).length === 0) {
      if (Date.now() > deadline) throw new Error("no checkpoint within 300 s");
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const pid of jobProcesses(created.id)) process.kill(pid, "SIGKILL");
    const job = await waitDone(created.id);
    expect(job.status).toBe("completed");
    const runs = await ml.ow.runs.list(job.id);
    expect(runs.map((r) => [r.attempt, r.status]).sort()).toEqual([
      [1, "failed"],
      [2, "completed"],
    ]);
    const resumed = (await ml.events(job.id, "resumed"))[0]!;
    expect(resumed).toMatchObject({ attempt: 2, source: "local" });
    expect(resumed.step as number).toBeGreaterThanOrEqual(4);
    const finished = (await ml.events(job.id, "training_finished")).at(-1)!;
    expect(finished.step).toBe(16);
  });
});
