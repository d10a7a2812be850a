// Regenerates the shipped traces (deterministic: same seed, same files):
//   npx tsx scripts/sim/make-traces.ts
// Each models a workload the platform exists for; numbers are plausible, not measured.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { between, exponential, logNormal, mulberry32, pick } from "./random.ts";
import type { TraceJob } from "./trace.ts";

const here = new URL(".", import.meta.url).pathname;

const round = (v: number) => Math.round(v);

/**
 * Bursty sweep: two research orgs launch hyper-parameter sweeps (4–16 fine-tunes of one base
 * model at a time, 20–50 min each), every 1–4 h over ~10 h, each followed a little later by a
 * handful of evaluation jobs on the vLLM image. Bursts above the 8-worker cap queue briefly.
 */
function burstySweep(): TraceJob[] {
  const r = mulberry32(101);
  const jobs: TraceJob[] = [];
  for (const org of ["org-lab", "org-startup"]) {
    let t = between(r, 0, 1800);
    while (t < 10 * 3600) {
      const size = round(between(r, 4, 16));
      const vram = pick(r, [
        [24, 5],
        [40, 3],
        [70, 2],
      ] as const);
      for (let i = 0; i < size; i++) {
        jobs.push({
          arrival: round(t + between(r, 0, 60)),
          duration: round(between(r, 1200, 3000)),
          vramGb: vram,
          image: "ow-unsloth",
          org,
          priority: 0,
        });
      }
      const evalAt = t + between(r, 2400, 4200);
      for (let i = 0; i < round(between(r, 2, 6)); i++) {
        jobs.push({
          arrival: round(evalAt + between(r, 0, 300)),
          duration: round(between(r, 300, 900)),
          vramGb: 24,
          image: "ow-vllm",
          org,
          priority: 0,
        });
      }
      t += between(r, 3600, 14400);
    }
  }
  return jobs;
}

/**
 * Steady trickle: three teams submit evaluations, inference batches and small fine-tunes all
 * day, a Poisson stream with one job every ~4 min on average, mostly default-sized (24 GB).
 */
function steadyTrickle(): TraceJob[] {
  const r = mulberry32(202);
  const jobs: TraceJob[] = [];
  let t = 0;
  while (t < 12 * 3600) {
    t += exponential(r, 240);
    const image = pick(r, [
      ["ow-unsloth", 6],
      ["ow-vllm", 4],
    ] as const);
    jobs.push({
      arrival: round(t),
      duration: round(logNormal(r, 720, 0.8, 120, 5400)),
      vramGb: pick(r, [
        [8, 1],
        [24, 14],
        [40, 3],
        [70, 2],
      ] as const),
      image,
      org: pick(r, [
        ["org-eval", 5],
        ["org-infer", 3],
        ["org-tune", 2],
      ] as const),
      priority: 0,
    });
  }
  return jobs;
}

/**
 * Mixed sizes: one org running everything from 7B LoRA to 70B full fine-tunes; VRAM from 8 to
 * 160 GB. Jobs above one GPU name their hardware (as the original requires); some users pin
 * H100s for speed.
 */
function mixedSizes(): TraceJob[] {
  const r = mulberry32(303);
  const jobs: TraceJob[] = [];
  let t = 0;
  while (t < 8 * 3600) {
    t += exponential(r, 480);
    const vram = pick(r, [
      [8, 2],
      [16, 2],
      [24, 5],
      [40, 3],
      [48, 2],
      [70, 3],
      [80, 2],
      [120, 1],
      [160, 1],
    ] as const);
    let allowedHardware: string[] | null = null;
    if (vram === 160) allowedHardware = ["2x H100S", "2x A100S", "2x A100"];
    else if (vram >= 70 && r() < 0.3) allowedHardware = ["1x H100S", "1x H100N", "1x A100S"];
    jobs.push({
      arrival: round(t),
      duration: round(logNormal(r, 1500, 0.7, 300, 7200)),
      vramGb: vram,
      image:
        vram >= 70
          ? "ow-unsloth"
          : pick(r, [
              ["ow-unsloth", 3],
              ["ow-vllm", 2],
            ] as const),
      org: "org-mixed",
      allowedHardware,
      priority: 0,
    });
  }
  return jobs;
}

function write(name: string, jobs: TraceJob[]): void {
  jobs.sort((a, b) => a.arrival - b.arrival);
  const lines = jobs.map((job) =>
    JSON.stringify(job.allowedHardware ? job : { ...job, allowedHardware: undefined }),
  );
  writeFileSync(join(here, "traces", name), `${lines.join("\n")}\n`);
  console.log(`${name}: ${jobs.length} jobs`);
}

write("bursty-sweep.jsonl", burstySweep());
write("steady-trickle.jsonl", steadyTrickle());
write("mixed-sizes.jsonl", mixedSizes());
