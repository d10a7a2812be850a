// Every built-in job's params exist twice: the zod schema the api and the SDK validate a submission
// with, and the table the job script parses params.json with (param_checks.py). This test asks the
// real Python interpreter for the scripts' tables (describe_job_params.py reads keys, defaults and
// the bounds held in each check's closure) and fails when a key, a default, whether it is required
// or nullable, or a bound differs. Checks the scripts write by hand (learning-rate strings, "log"
// schedules, hub ids) are compared by key, default and nullability only.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inspectAiParams, logprobParams, mmluProParams } from "../../sdk/src/index.ts";
import { apiParams } from "../../supabase/functions/_shared/jobs/api-params.ts";
import { inferenceParams } from "../../supabase/functions/_shared/jobs/inference-params.ts";
import {
  DEFAULT_FINETUNED_MODEL_ID,
  fineTuningParams,
  weightedSftParams,
} from "../../supabase/functions/_shared/jobs/training-params.ts";
import { mlVenvPath, mlVenvReady } from "../ml/ml-env.ts";

/** What one field accepts, in the words describe_job_params.py uses. */
interface FieldShape {
  required: boolean;
  kind: string;
  nullable?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: string[];
}

const SCHEMAS: Record<string, z.ZodType> = {
  fine_tuning: fineTuningParams,
  weighted_sft: weightedSftParams,
  inference: inferenceParams,
  api: apiParams,
  logprob: logprobParams,
  mmlu_pro: mmluProParams,
  inspect_ai: inspectAiParams,
};

/**
 * Differences on purpose. The SDK expands the `finetuned_model_id` template before it submits, so
 * the script never sees the template and its default is null (training/params.py).
 */
const INTENDED: Record<string, Record<string, Partial<FieldShape>>> = {
  fine_tuning: { finetuned_model_id: { default: DEFAULT_FINETUNED_MODEL_ID } },
  weighted_sft: { finetuned_model_id: { default: DEFAULT_FINETUNED_MODEL_ID } },
};

type Json = Record<string, unknown>;

/** A relative path is a non-empty string on the wire; the zod schemas check the path with a refine. */
const PYTHON_KIND_ALIASES: Record<string, string> = { relative_path: "non_empty_string" };

function shapeOfJsonSchema(prop: Json, required: boolean): FieldShape {
  const out: FieldShape = { required, kind: "custom" };
  if ("default" in prop) out.default = prop.default;
  let body = prop;
  const anyOf = prop.anyOf as Json[] | undefined;
  if (anyOf) {
    const rest = anyOf.filter((s) => s.type !== "null");
    if (rest.length < anyOf.length) out.nullable = true;
    if (rest.length !== 1) return out;
    body = rest[0] as Json;
  }
  if (body.const !== undefined) return { ...out, kind: "enum", enum: [String(body.const)] };
  if (Array.isArray(body.enum)) return { ...out, kind: "enum", enum: (body.enum as string[]).slice().sort() };
  switch (body.type) {
    case "boolean":
      return { ...out, kind: "boolean" };
    case "string":
      if (body.pattern !== undefined) return out;
      return { ...out, kind: body.minLength === 1 ? "non_empty_string" : "string" };
    case "array": {
      const items = body.items as Json | undefined;
      return items?.type === "string" && items.minLength === 1 ? { ...out, kind: "string_list" } : out;
    }
    case "object":
      return body.properties === undefined ? { ...out, kind: "object" } : out;
    case "integer": {
      const min =
        typeof body.exclusiveMinimum === "number"
          ? body.exclusiveMinimum + 1
          : (body.minimum as number | undefined);
      return { ...out, kind: "integer", ...(min === undefined ? {} : { minimum: min }) };
    }
    case "number":
      return {
        ...out,
        kind: "number",
        ...(body.minimum === undefined ? {} : { minimum: body.minimum as number }),
        ...(body.exclusiveMinimum === undefined ? {} : { exclusiveMinimum: body.exclusiveMinimum as number }),
        ...(body.maximum === undefined ? {} : { maximum: body.maximum as number }),
      };
    default:
      return out;
  }
}

function zodShapes(schema: z.ZodType): Record<string, FieldShape> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  const required = new Set((json.required as string[] | undefined) ?? []);
  const props = json.properties as Record<string, Json>;
  return Object.fromEntries(
    Object.entries(props).map(([key, prop]) => [key, shapeOfJsonSchema(prop, required.has(key))]),
  );
}

function pythonShapes(): Record<string, Record<string, FieldShape>> {
  const venvPython = join(mlVenvPath(), "bin", "python");
  const python = mlVenvReady() && existsSync(venvPython) ? venvPython : "python3";
  const out = execFileSync(python, [join(import.meta.dirname, "describe_job_params.py")], {
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return JSON.parse(out) as Record<string, Record<string, FieldShape>>;
}

/** The part both sides can state: custom checks are compared by default and nullability only. */
function comparable(ts: FieldShape, py: FieldShape): { ts: FieldShape; py: FieldShape } {
  const pyKind = PYTHON_KIND_ALIASES[py.kind] ?? py.kind;
  const bare = (s: FieldShape): FieldShape => ({
    required: s.required,
    kind: "custom",
    nullable: s.nullable ?? false,
    ...("default" in s ? { default: s.default } : {}),
  });
  if (ts.kind === "custom" || pyKind === "custom") return { ts: bare(ts), py: bare(py) };
  return {
    ts: { ...ts, nullable: ts.nullable ?? false },
    py: { ...py, kind: pyKind, nullable: py.nullable ?? false },
  };
}

describe("job params parity (zod ↔ job scripts)", () => {
  const python = pythonShapes();

  it("every built-in job's script has a params table and every table a schema", () => {
    expect(Object.keys(python).sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  for (const [job, schema] of Object.entries(SCHEMAS)) {
    it(`${job}: the same keys, and for each the same required flag, default, nullability and bounds`, () => {
      const ts = zodShapes(schema);
      const py = python[job] ?? {};
      expect(Object.keys(ts).sort(), `${job}: keys`).toEqual(Object.keys(py).sort());
      const tsSide: Record<string, FieldShape> = {};
      const pySide: Record<string, FieldShape> = {};
      for (const key of Object.keys(ts)) {
        const pair = comparable(ts[key] as FieldShape, {
          ...(py[key] as FieldShape),
          ...INTENDED[job]?.[key],
        });
        tsSide[key] = pair.ts;
        pySide[key] = pair.py;
      }
      // One comparison of the whole table, so a failure lists every field that differs.
      expect(tsSide, `${job}: zod (received) vs the script (expected)`).toEqual(pySide);
    });
  }
});
