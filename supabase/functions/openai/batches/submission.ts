// A batch's inference job: the SDK's `inference` params schema checks what the requests and the
// `openweights` extension ask for, so the rules are the built-in job's own.

import type { JobSubmission } from "../../_shared/contract/jobs.ts";
import type { BatchCreate } from "../../_shared/contract/openai/batches.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { inferenceParams } from "../../_shared/jobs/inference-params.ts";
import { inferenceVramGb } from "../../_shared/jobs/vram.ts";
import type { BatchInput } from "./input.ts";

const FROM_REQUESTS = [
  "model",
  "input_file",
  "max_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "n_completions_per_prompt",
  "logprobs",
  "job_id_suffix",
];

export function inferenceSubmission(
  body: BatchCreate,
  input: BatchInput,
  conversationsFileId: string,
  scripts: Record<string, string>,
  image: string,
): JobSubmission {
  const ext = body.openweights ?? {};
  for (const key of Object.keys(ext.params ?? {}))
    if (FROM_REQUESTS.includes(key))
      throw new ApiError(
        400,
        "invalid_request",
        `openweights.params.${key}: set by the requests in the input file`,
        [{ path: `openweights.params.${key}`, message: "set by the requests in the input file" }],
      );
  const parsed = inferenceParams.safeParse({
    ...ext.params,
    ...input.sampling,
    model: input.model,
    input_file: conversationsFileId,
  });
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((i) => {
      const path = (i.code === "unrecognized_keys" ? [...i.path, i.keys[0]] : i.path).map(String);
      const head = path[0] ?? "";
      return FROM_REQUESTS.includes(head)
        ? {
            path: "input_file_id",
            message: `body.${head === "n_completions_per_prompt" ? "n" : head}: ${i.message}`,
          }
        : { path: ["openweights", "params", ...path].join("."), message: i.message };
    });
    throw new ApiError(
      400,
      "invalid_request",
      details.map((d) => `${d.path}: ${d.message}`).join("; "),
      details,
    );
  }
  const target = `data/${conversationsFileId}.jsonl`;
  const mounts = Object.fromEntries(
    Object.entries({ ...scripts, [target]: conversationsFileId }).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    ),
  );
  return {
    type: "inference",
    image,
    entrypoint: ["python3", "inference/run_inference.py"],
    params: { ...parsed.data, input_file: target },
    mounts,
    requires_vram_gb: ext.requires_vram_gb ?? inferenceVramGb(parsed.data.model),
    allowed_hardware: ext.allowed_hardware ?? null,
    priority: ext.priority ?? 0,
    secrets: ["HF_TOKEN"],
    model: parsed.data.model,
  };
}
