/**
 * Zod building blocks shared by the built-in job schemas. Each mirrors a check of the job-side
 * `param_checks.py` / `training/params.py`, so a bad param fails at submission (naming the field)
 * instead of minutes later on a GPU.
 */
import { z } from "zod";

export const FILE_ID_PATTERN = /^[a-z_]{1,32}:file-[0-9a-f]{12}$/;

/** `pc.integer(min)`: an integer (2.0 counts) not below `min`. */
export const int = (min: number) => z.number().int().min(min);

/** `pc.number(min, max, exclusive_min)`: a finite number in range. */
export function num(min?: number, max?: number, exclusiveMin = false) {
  let schema = z.number();
  if (min !== undefined) schema = exclusiveMin ? schema.gt(min) : schema.min(min);
  if (max !== undefined) schema = schema.max(max);
  return schema;
}

export const nonEmpty = z.string().min(1, "must be a non-empty string");
export const stringList = z.array(nonEmpty);
/** Who generates text in inference, serving and MMLU-Pro jobs (inference/engines.py). */
export const generationBackend = z.enum(["auto", "vllm", "transformers"]).default("auto");

/** Schedules: a positive integer or "log" (1–9, 10, 20, …, 100, 200, …); both also fire at step 0. */
export const every = z.union([z.literal("log"), z.number().int().positive()], {
  error: 'must be a positive integer or "log"',
});

/** The submission's `id_suffix` rule: the suffix becomes part of the job id. */
export const idSuffix = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,60}$/, "must be 1-60 of A-Z a-z 0-9 _ . -")
  .nullable()
  .default(null);

/**
 * A dataset: a file id (`conversations:file-…`) or, from `openweights/node`, a local path that is
 * uploaded first. Either way the job sees a mounted file at `data/<file id>.jsonl`.
 */
export const datasetRef = nonEmpty;

const FLOAT = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const FLOAT_ONLY = new RegExp(`^${FLOAT}$`);
const POWER = new RegExp(String.raw`^\s*(${FLOAT})\s*(?:\*\*|\^)\s*(${FLOAT})\s*$`);

/**
 * `training/params.py:parse_learning_rate`, without the original's `eval()`: a number > 0, or a
 * string holding a float ("1e-4") or a power ("10**-4", "10^-4"); a negative string value is an
 * exponent of ten ("-4" → 1e-4). Returns the value or an error message.
 */
export function parseLearningRate(value: unknown): number | string {
  const hint = `cannot read ${JSON.stringify(value)} as a learning rate (use e.g. 1e-4, "1e-4" or "10**-4")`;
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : "must be > 0";
  if (typeof value !== "string") return "must be a number or a numeric string";
  const text = value.trim();
  const power = POWER.exec(text);
  let result: number | null = null;
  if (power) result = Number.parseFloat(power[1] ?? "") ** Number.parseFloat(power[2] ?? "");
  else if (FLOAT_ONLY.test(text)) result = Number.parseFloat(text);
  if (result === null || !Number.isFinite(result)) return hint;
  if (result < 0) result = 10 ** result;
  return result > 0 ? result : "must be > 0";
}

/** Kept as the user wrote it (the job parses it the same way); only checked here. */
export const learningRate = z.union([z.number(), z.string()]).superRefine((value, ctx) => {
  const parsed = parseLearningRate(value);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
});

export const HUB_FORBIDDEN_ORGS = new Set(["datasets", "models", "unsloth", "None"]);
const HUB_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** `check_hub_model_id`: exactly `<org>/<name>`, no placeholders, a usable org. Null when fine. */
export function hubModelIdProblem(value: string): string | null {
  if (value.includes("{") || value.includes("}")) return "still holds a {placeholder}";
  const parts = value.split("/");
  if (parts.length !== 2 || !parts.every((p) => HUB_PART.test(p)))
    return "must be exactly '<org>/<name>' (letters, digits, '.', '_', '-')";
  if (HUB_FORBIDDEN_ORGS.has(parts[0] ?? ""))
    return `org '${parts[0]}' is not allowed: set HF_ORG or HF_USER`;
  return null;
}

/** Adds an issue when a file id's purpose is not one of `purposes` (local paths are checked on upload). */
export function checkDatasetPurpose(
  ctx: z.RefinementCtx,
  value: string | null | undefined,
  purposes: readonly string[],
  path: (string | number)[],
): void {
  if (!value || !FILE_ID_PATTERN.test(value)) return;
  const purpose = value.slice(0, value.indexOf(":"));
  if (!purposes.includes(purpose))
    ctx.addIssue({
      code: "custom",
      path,
      message: `must be a ${purposes.join(" or ")} file (got a ${purpose} file)`,
    });
}
