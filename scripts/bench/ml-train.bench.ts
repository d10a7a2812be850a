// ML training benchmark (npm run bench:ml): the tiny LoRA SFT through the platform (SDK → stack →
// real worker → training/train.py) against the same script run directly with python, alternately in
// one run, on the pinned CPU venv, one torch thread each. Prints a markdown report.
//
// Definitions:
//   throughput  tokens trained / the Trainer's own train_runtime (the `train_summary` metrics event):
//               tokens = steps × batch × mean tokens per rendered training row (same in both arms)
//   start       platform: Date.now() before the SDK's create() → created_at of the job's first train
//               `metrics` event in the database (same machine, same clock); direct: process spawn →
//               the moment the first train `metrics` line appears in its events file (polled 20 ms)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "vitest";
import { jobScriptsDir, ML_JOB_ENV, prepareMlEnv } from "../../tests/ml/ml-env.ts";
import { startMlStack } from "../../tests/ml/ml-stack.ts";
import { reverseRows, TINY_TRAINING } from "../../tests/ml/toy-data.ts";

const STEPS = Number(process.env.BENCH_ML_STEPS ?? 60);
const ROUNDS = Number(process.env.BENCH_ML_ROUNDS ?? 2);
const BATCH = 4;

interface Arm {
  runtimeS: number;
  startS: number;
}

const params = (model: string, training_file: string, seed: number) => ({
  model,
  loss: "sft" as const,
  training_file,
  max_steps: STEPS,
  seed,
  ...TINY_TRAINING,
  per_device_train_batch_size: BATCH,
  save_steps: 100_000,
  r: 8,
  lora_alpha: 16,
});

const trainRuntime = (events: Record<string, unknown>[]) =>
  Number(events.find((e) => e.type === "metrics" && e.tag === "train_summary")?.train_runtime);

it("benchmarks the tiny SFT through the platform against the same loop called directly", {
  timeout: 3_600_000,
}, async () => {
  const env = prepareMlEnv();
  const ml = await startMlStack(env, 1);
  const rows = reverseRows(64, 1);
  const trainPath = ml.jsonl("train.jsonl", rows);
  const tokens = (ml.reference(["count_tokens", env.models.llama, trainPath]) as { mean_tokens: number })
    .mean_tokens;

  async function direct(seed: number): Promise<Arm> {
    const dir = mkdtempSync(join(ml.dataDir, "direct-"));
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "train.jsonl"), readFileSync(trainPath));
    writeFileSync(
      join(dir, "params.json"),
      JSON.stringify(params(env.models.llama, "data/train.jsonl", seed)),
    );
    const eventsFile = join(dir, "events.jsonl");
    const started = Date.now();
    const child = spawn(env.python, [join(jobScriptsDir, "training", "train.py")], {
      cwd: dir,
      env: {
        ...process.env,
        ...ML_JOB_ENV,
        OPENWEIGHTS_EVENTS: eventsFile,
        OPENWEIGHTS_UPLOADS: join(dir, "uploads"),
      },
      stdio: "ignore",
    });
    const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
    let firstStep = 0;
    while (firstStep === 0 && child.exitCode === null) {
      if (existsSync(eventsFile) && /"tag": ?"train"/.test(readFileSync(eventsFile, "utf8")))
        firstStep = Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    if ((await exited) !== 0) throw new Error("the direct run failed");
    const events = readFileSync(eventsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    return { runtimeS: trainRuntime(events), startS: (firstStep - started) / 1000 };
  }

  async function platform(seed: number): Promise<Arm> {
    const submitted = Date.now();
    const job = await ml.ow.fineTuning.create(params(env.models.llama, trainPath, seed), {
      requiresVramGb: 0,
      maxAttempts: 1,
    });
    const done = await ml.ow.jobs.wait(job.id, { pollInterval: 500, maxPollInterval: 1000 });
    if (done.status !== "completed") throw new Error(`job ${job.id} ${done.status}`);
    const [first] = await ml.stack.db
      .sql`select created_at from events where job_id = ${job.id} and type = 'metrics' and data ->> 'tag' = 'train' order by seq limit 1`;
    return {
      runtimeS: trainRuntime(await ml.events(job.id, "metrics")),
      startS: (new Date(first!.created_at as string).getTime() - submitted) / 1000,
    };
  }

  const direct_: Arm[] = [];
  const platform_: Arm[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // alternate which arm goes first, so a load change on the machine hits both
      if (round % 2 === 0) {
        direct_.push(await direct(100 + round));
        platform_.push(await platform(200 + round));
      } else {
        platform_.push(await platform(200 + round));
        direct_.push(await direct(100 + round));
      }
    }
  } finally {
    await ml.stop();
  }
  const tokensTrained = STEPS * BATCH * tokens;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const row = (name: string, arms: Arm[]) => {
    const runtime = median(arms.map((a) => a.runtimeS));
    return { name, tps: tokensTrained / runtime, runtime, start: median(arms.map((a) => a.startS)) };
  };
  const d = row("direct `python training/train.py`", direct_);
  const p = row("platform (SDK → worker → job)", platform_);
  console.log(
    `\n### bench:ml — tiny LoRA SFT on CPU (${STEPS} steps × ${BATCH} rows × ${tokens.toFixed(1)} tokens, ${ROUNDS} rounds, medians)\n`,
  );
  console.log("| arm | tokens/s | train_runtime s | start → first step s |");
  console.log("| --- | --- | --- | --- |");
  for (const r of [d, p])
    console.log(`| ${r.name} | ${r.tps.toFixed(0)} | ${r.runtime.toFixed(2)} | ${r.start.toFixed(1)} |`);
  console.log(
    `\nplatform/direct throughput: ${(p.tps / d.tps).toFixed(3)}; platform overhead ${((1 - p.tps / d.tps) * 100).toFixed(1)} %`,
  );
  console.log(
    `start overhead of the platform: +${(p.start - d.start).toFixed(1)} s (submit → first step vs spawn → first step)`,
  );
  console.log(`raw: direct ${JSON.stringify(direct_)} platform ${JSON.stringify(platform_)}`);
});
