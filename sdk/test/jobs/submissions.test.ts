import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type InvalidParamsError, OpenWeights as PortableOpenWeights } from "../../src/index.ts";
import { listJobScripts } from "../../src/jobs/node-scripts.ts";
import { OpenWeights } from "../../src/node/index.ts";
import { BASE_URL } from "../support/fake-fetch.ts";
import { CONVERSATIONS, client, fakeServer, PREFERENCE, python, SCRIPTS_DIR } from "./support.ts";

const SFT = { model: "Qwen/Qwen3-8B", training_file: CONVERSATIONS, loss: "sft" } as const;
const DATA = `data/${CONVERSATIONS}.jsonl`;
const SCRIPTS = listJobScripts(SCRIPTS_DIR);

/** Parses params with the job's own Python parser; returns its problems (empty = accepted). */
/** The job's parser's problems with params as the job receives them (the database has filled in `{job_id}`). */
function jobSideProblems(parser: string, params: unknown): string[] {
  const stored = JSON.parse(JSON.stringify(params).replaceAll("{job_id}", "fine-tuning-0123456789ab"));
  return python(
    `import json, sys
from param_checks import ParamError
${parser}
try:
    parse(json.load(sys.stdin)); print("[]")
except ParamError as e:
    print(json.dumps(e.problems))`,
    stored,
  ) as string[];
}

describe("built-in job submissions", () => {
  const server = fakeServer();
  const ow = client(server);
  const dir = mkdtempSync(join(tmpdir(), "ow-jobs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("mount every job script (not tests/ or the gpu-check scripts) at its relative path", () => {
    expect(SCRIPTS).toContain("training/train.py");
    expect(SCRIPTS).toContain("openweights_job.py");
    expect(SCRIPTS).toContain("serve/serve.py");
    expect(SCRIPTS.some((s) => s.startsWith("tests/") || s.startsWith("gpu_check"))).toBe(false);
  });

  it("build a fine-tuning job: Unsloth image, train.py, scripts + dataset mounts, 24 GB, HF_TOKEN", async () => {
    const s = await ow.fineTuning.submission({ ...SFT, job_id_suffix: "try1", meta: { group: "a" } });
    expect(s).toMatchObject({
      type: "fine-tuning",
      image: "openweights/ow-unsloth",
      entrypoint: ["python3", "training/train.py"],
      requires_vram_gb: 24,
      allowed_hardware: null,
      secrets: ["HF_TOKEN"],
      model: "Qwen/Qwen3-8B",
      id_suffix: "try1",
    });
    expect(Object.keys(s.mounts ?? {})).toEqual([DATA, ...SCRIPTS].sort());
    expect(s.mounts?.[DATA]).toBe(CONVERSATIONS);
    expect(s.params).toMatchObject({
      training_file: DATA,
      epochs: 1,
      learning_rate: 1e-4,
      optim: "adamw_8bit",
      eval_every_n_steps: 5000,
      backend: "auto",
      meta: { group: "a" },
      job_id_suffix: "try1",
    });
    // The database writes the job's id over the placeholder (supabase/tests/dedup.sql).
    expect(s.params?.finetuned_model_id).toBe("my-org/Qwen3-8B-{job_id}");
    expect(jobSideProblems("from training.params import parse_training_params as parse", s.params)).toEqual(
      [],
    );
  });

  it("mount DPO preference data and pass the job's parser", async () => {
    const s = await ow.fineTuning.submission({
      ...SFT,
      loss: "dpo",
      training_file: PREFERENCE,
      test_file: PREFERENCE,
    });
    expect(s.params).toMatchObject({
      training_file: `data/${PREFERENCE}.jsonl`,
      test_file: `data/${PREFERENCE}.jsonl`,
      beta: 0.1,
    });
    expect(jobSideProblems("from training.params import parse_training_params as parse", s.params)).toEqual(
      [],
    );
  });

  it("expand a custom finetuned_model_id template with string params and naming extras", async () => {
    const s = await ow.fineTuning.submission({
      ...SFT,
      finetuned_model_id: "{org_id}/{model_name}-{loss}-{variant}",
      model_naming_extra_parameters: { variant: "v2" },
    });
    expect(s.params?.finetuned_model_id).toBe("my-org/Qwen3-8B-sft-v2");
  });

  it("send {job_id} (and its {} / {0} spellings) as the placeholder, and refuse an escaped one", async () => {
    for (const template of ["{org_id}/x-{job_id}", "{org_id}/x-{}", "{org_id}/x-{0}"]) {
      const s = await ow.fineTuning.submission({ ...SFT, finetuned_model_id: template });
      expect(s.params?.finetuned_model_id).toBe("my-org/x-{job_id}");
    }
    const error = await ow.fineTuning
      .submission({ ...SFT, finetuned_model_id: "{org_id}/x-{{job_id}}" })
      .catch((e: unknown) => e);
    expect((error as InvalidParamsError).issues[0]?.path).toBe("finetuned_model_id");
  });

  it("refuse to push without a Hugging Face org, and keep the model in uploads when not pushing", async () => {
    vi.stubEnv("HF_ORG", "");
    vi.stubEnv("HF_USER", "");
    try {
      const noOrg = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: server.fetch });
      const error = await noOrg.fineTuning.submission(SFT).catch((e: unknown) => e);
      expect((error as InvalidParamsError).issues[0]?.path).toBe("finetuned_model_id");
      const local = await noOrg.fineTuning.submission({ ...SFT, push_to_hub: false });
      expect(local.params?.finetuned_model_id).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("build a weighted SFT job with its own defaults, 60 GB (0 with pinned hardware) and ft_id_suffix", async () => {
    const s = await ow.weightedSft.submission({ ...SFT, ft_id_suffix: "w" });
    expect(s).toMatchObject({ type: "weighted-sft", image: "openweights/ow-vllm", requires_vram_gb: 60 });
    expect(s.entrypoint).toEqual(["python3", "training/weighted_sft.py"]);
    expect(s.params).toMatchObject({
      optim: "adamw_torch",
      eval_every_n_steps: "log",
      backend: "transformers",
    });
    expect(s.params?.finetuned_model_id).toBe("my-org/Qwen3-8B-{job_id}-w");
    const pinned = await ow.weightedSft.submission({ ...SFT, allowed_hardware: ["1x H100"] });
    expect(pinned).toMatchObject({ requires_vram_gb: 0, allowed_hardware: ["1x H100"] });
    expect(
      jobSideProblems(
        "from training.params import parse_training_params\nparse = lambda p: parse_training_params(p, 'weighted_sft')",
        s.params,
      ),
    ).toEqual([]);
  });

  it("build a batch-inference job with the inference VRAM guess and honoured min_tokens", async () => {
    const s = await ow.inference.submission({
      model: "Qwen/Qwen3-8B",
      input_file: CONVERSATIONS,
      min_tokens: 5,
      n_completions_per_prompt: 3,
      logprobs: 2,
    });
    expect(s).toMatchObject({
      type: "inference",
      image: "openweights/ow-vllm",
      entrypoint: ["python3", "inference/run_inference.py"],
      requires_vram_gb: 31,
    });
    expect(s.params).toMatchObject({
      input_file: DATA,
      min_tokens: 5,
      n_completions_per_prompt: 3,
      logprobs: 2,
    });
    expect(jobSideProblems("from inference.params import parse_inference_params as parse", s.params)).toEqual(
      [],
    );
  });

  it("upload a local dataset path as a conversations file and mount it by id", async () => {
    const path = join(dir, "rows.jsonl");
    writeFileSync(path, `${JSON.stringify({ messages: [{ role: "user", content: "hi" }] })}\n`);
    const s = await ow.inference.submission({ model: "o/m", input_file: path });
    const input = String(s.params?.input_file);
    expect(input).toMatch(/^data\/conversations:file-[0-9a-f]{12}\.jsonl$/);
    expect(JSON.stringify(s)).not.toContain(dir);
  });

  it("build logprob, serving, inspect_ai and MMLU-Pro jobs their scripts accept", async () => {
    const logprob = await ow.logprob.submission({ model: "Qwen/Qwen3-8B", dataset: CONVERSATIONS });
    expect(logprob).toMatchObject({
      type: "logprob",
      requires_vram_gb: 36,
      entrypoint: ["python3", "training/logprob_job.py"],
    });
    expect(jobSideProblems("from training.logprob_job import parse", logprob.params)).toEqual([]);
    const api = await ow.api.submission({
      model: "Qwen/Qwen3-8B",
      lora_adapters: ["o/a1", "o/a2"],
      max_lora_rank: 32,
    });
    expect(api).toMatchObject({
      type: "api",
      requires_vram_gb: 25,
      timeout_seconds: 4 * 3600,
      entrypoint: ["python3", "serve/serve.py"],
    });
    expect(jobSideProblems("from serve.params import parse_serve_params as parse", api.params)).toEqual([]);
    const inspect = await ow.inspectAi.submission({
      model: "o/m",
      eval_name: "inspect_evals/gpqa_diamond",
      options: "--limit 5",
    });
    expect(inspect).toMatchObject({ type: "inspect-ai", image: "openweights/ow-vllm", requires_vram_gb: 60 });
    expect(jobSideProblems("from evals.inspect_ai_job import parse", inspect.params)).toEqual([]);
    const mmlu = await ow.mmluPro.submission({ model: "o/m", gpu_util: "0.8", selected_subjects: ["math"] });
    expect(mmlu).toMatchObject({
      type: "mmlu-pro",
      requires_vram_gb: 60,
      entrypoint: ["python3", "evals/mmlu_pro.py"],
    });
    expect(jobSideProblems("from evals.mmlu_pro import parse", mmlu.params)).toEqual([]);
  });

  it("use configured images and explicit scheduling options", async () => {
    const custom = new OpenWeights({
      apiKey: "k",
      baseURL: BASE_URL,
      fetch: server.fetch,
      hfOrg: "o",
      images: { unsloth: "ghcr.io/me/unsloth:1" },
    });
    const s = await custom.fineTuning.submission(SFT, { requiresVramGb: 48, priority: 5, force: true });
    expect(s).toMatchObject({
      image: "ghcr.io/me/unsloth:1",
      requires_vram_gb: 48,
      priority: 5,
      force: true,
    });
  });

  it("give the same request the same submission bytes on two clients, and a new meta a new request", async () => {
    const a = await client(fakeServer()).fineTuning.submission({ ...SFT, meta: { x: 1 }, epochs: 2 });
    const b = await client(fakeServer()).fineTuning.submission({ epochs: 2, meta: { x: 1 }, ...SFT });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await client(fakeServer()).fineTuning.submission({ ...SFT, meta: { x: 2 }, epochs: 2 });
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    expect(JSON.stringify(a)).not.toContain(SCRIPTS_DIR);
  });

  it("submit through POST /api/jobs and return the typed job", async () => {
    const job = await ow.logprob.create({ model: "o/m", dataset: CONVERSATIONS });
    expect(job.type).toBe("logprob");
    expect(server.submissions().at(-1)).toMatchObject({ type: "logprob", params: { dataset: DATA } });
  });

  it("explain that the portable entry cannot mount the scripts from disk", async () => {
    const portable = new PortableOpenWeights({
      apiKey: "k",
      baseURL: BASE_URL,
      fetch: server.fetch,
      hfOrg: "o",
    });
    await expect(portable.fineTuning.submission(SFT)).rejects.toThrow(/openweights\/node/);
  });

  it("mount scripts given as bytes in the portable entry", async () => {
    const portable = new PortableOpenWeights({
      apiKey: "k",
      baseURL: BASE_URL,
      fetch: server.fetch,
      jobScripts: async () => ({ "serve/serve.py": new TextEncoder().encode("print(1)\n") }),
    });
    const s = await portable.api.submission({ model: "o/m" });
    expect(Object.keys(s.mounts ?? {})).toEqual(["serve/serve.py"]);
  });
});
