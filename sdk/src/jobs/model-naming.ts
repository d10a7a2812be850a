/**
 * `finetuned_model_id` templates, expanded at submission as the original did with Python's
 * `str.format`: `{org_id}` (the HF org), `{model_name}` (last path part of `model`), `{job_id}`
 * (or `{}` / `{0}`), every string param, and `model_naming_extra_parameters`; `{{`/`}}` escape.
 *
 * `{job_id}` is the job's *request id*: `<prefix>-<sha256(canonical request)[:12]>[-suffix]`,
 * hashed with the template unexpanded — exactly how the original derived it. The server's job id
 * hashes the expanded params, so the two differ; find a model's job with
 * `family.list({ params: { finetuned_model_id } })`.
 */
import { sha256Hex } from "../core/sha256.ts";

/** Keys sorted, no whitespace: the same value gives the same bytes on every machine. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

export interface NamingRequest {
  type: string;
  image: string;
  entrypoint: string[];
  params: Record<string, unknown>;
  mounts: Record<string, string>;
}

export async function requestId(
  prefix: string,
  request: NamingRequest,
  suffix: string | null,
): Promise<string> {
  const hash = (await sha256Hex(once(canonicalJson(request)))).slice(0, 12);
  return suffix ? `${prefix}-${hash}-${suffix}` : `${prefix}-${hash}`;
}

/** Expands `{name}` fields; throws an Error naming the field it cannot fill. */
export function formatTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, name: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    if (name === undefined) throw new Error(`unbalanced '${match}' in "${template}"`);
    const key = name === "" || name === "0" ? "job_id" : name;
    const value = values[key];
    if (value === undefined) throw new Error(`unknown field {${name}} in "${template}"`);
    return value;
  });
}

export function templateUses(template: string, field: string): boolean {
  const stripped = template.replaceAll("{{", "").replaceAll("}}", "");
  if (field === "job_id") return /\{(job_id|0|)\}/.test(stripped);
  return stripped.includes(`{${field}}`);
}

/** Every string param plus the extras, the way the original fed `str.format`. */
export function templateValues(
  params: Record<string, unknown>,
  fixed: { org_id?: string | undefined; model_name: string; job_id?: string | undefined },
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (typeof value === "string") values[key] = value;
  const extra = params.model_naming_extra_parameters;
  if (extra && typeof extra === "object")
    for (const [key, value] of Object.entries(extra)) values[key] = String(value);
  for (const [key, value] of Object.entries(fixed)) if (value !== undefined) values[key] = value;
  return values;
}
