/**
 * VRAM guesses (GB) of the built-in jobs, read from the model's name. A line-by-line port of
 * `sdk/job-scripts/vram.py` (the reference; a test runs both on the same table): same regex, same
 * order of floating-point operations, same truncation.
 */

export const DEFAULT_MODEL_SIZE_B = 32;
export const FINE_TUNING_DEFAULT_GB = 24;
export const WEIGHTED_SFT_DEFAULT_GB = 60;
export const INSPECT_AI_DEFAULT_GB = 60;
export const MMLU_PRO_DEFAULT_GB = 60;

// Python's `(?<![\d.])(\d+(?:\.\d+)?)[bB](?![a-zA-Z])`; ASCII digits only (Python's \d also
// matches other scripts' digits, which no model name uses).
const SIZE_PATTERN = /(?<![0-9.])([0-9]+(?:\.[0-9]+)?)[bB](?![a-zA-Z])/;

/** Billions of parameters: the first `<number>b` ("Qwen3-30B-A3B" → 30), "mistral-small" → 22, else 32. */
export function guessModelSizeB(model: string): number {
  const match = SIZE_PATTERN.exec(model);
  if (match?.[1] !== undefined) return Number.parseFloat(match[1]);
  if (model.toLowerCase().includes("mistral-small")) return 22;
  return DEFAULT_MODEL_SIZE_B;
}

function weightsGb(model: string, quantizationApplies = true): number {
  let size = 2 * guessModelSizeB(model);
  const lowered = model.toLowerCase();
  if (quantizationApplies && lowered.includes("8bit")) size /= 2;
  else if (quantizationApplies && lowered.includes("4bit")) size /= 4;
  return size;
}

/** Serving: weights + max_loras·rank/16 + 5 (KV cache and runtime). */
export function apiVramGb(model: string, maxLoras = 0, maxLoraRank = 16): number {
  return Math.trunc(weightsGb(model) + (maxLoras * maxLoraRank) / 16 + 5 + 0.5);
}

/** Batch inference: weights (no 4/8-bit discount for "ftjob" models) + 15 GB KV cache + rank/16. */
export function inferenceVramGb(baseModel: string, loraRank = 0): number {
  const weights = weightsGb(baseModel, !baseModel.includes("ftjob"));
  return Math.trunc(weights + 15 + 0.5 + loraRank / 16);
}

export function logprobVramGb(model: string): number {
  return model.toLowerCase().includes("8b") ? 36 : 70;
}
