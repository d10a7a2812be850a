/**
 * `finetuned_model_id` templates, expanded at submission as the original did with Python's
 * `str.format`: `{org_id}` (the HF org), `{model_name}` (last path part of `model`), `{job_id}`
 * (or `{}` / `{0}`), every string param, and `model_naming_extra_parameters`; `{{`/`}}` escape.
 *
 * `{job_id}` (the job's id) cannot be known here: the database derives the id from the request,
 * name included. It is sent as the placeholder `{job_id}`, the id is hashed with it in place, and
 * the database writes the id into the stored name (migration 20261203223100_model_name_job_id).
 */

/** Keys sorted, no whitespace: the same value gives the same bytes on every machine. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** What the database replaces with the job's id in a stored `finetuned_model_id`. */
export const JOB_ID_PLACEHOLDER = "{job_id}";

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
