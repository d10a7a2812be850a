// Request validation for the fake's POST /v2/pods, written from RunPod's published v2 OpenAPI
// (CreatePodRequest = ContainerConfig + name/mounts/gpu/cpu/cloud/dataCenterIds/globalNetworking,
// `unevaluatedProperties: false`). RunPod splits failures in two, and so do we:
// - 422 "Request validation failed." with `errors: ["$.path: ..."]` for schema violations;
// - 400 for rules the handler enforces across fields (exactly one of gpu/cpu, mounts exclusive,
//   no persistent mount on CPU pods, vCPU power of two).
// Deliberately independent of the provider's own schemas, so a shared mistake cannot hide.

export type Validation = { ok: true } | { ok: false; status: 400 | 422; detail: string; errors?: string[] };

type Rule = (value: unknown, path: string, errors: string[]) => void;

const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

const str =
  (minLength = 0): Rule =>
  (v, path, errors) => {
    if (typeof v !== "string") errors.push(`${path}: expected string, but got ${typeName(v)}`);
    else if (v.length < minLength) errors.push(`${path}: minLength: got ${v.length}, want ${minLength}`);
  };

const int =
  (minimum: number): Rule =>
  (v, path, errors) => {
    if (typeof v !== "number" || !Number.isInteger(v))
      errors.push(`${path}: expected integer, but got ${typeName(v)}`);
    else if (v < minimum) errors.push(`${path}: minimum: got ${v}, want ${minimum}`);
  };

const bool: Rule = (v, path, errors) => {
  if (typeof v !== "boolean") errors.push(`${path}: expected boolean, but got ${typeName(v)}`);
};

const oneOf =
  (...allowed: string[]): Rule =>
  (v, path, errors) => {
    if (typeof v !== "string" || !allowed.includes(v)) {
      errors.push(`${path}: value must be one of ${allowed.map((a) => `'${a}'`).join(", ")}`);
    }
  };

const arrayOf =
  (item: Rule, maxItems = Number.POSITIVE_INFINITY): Rule =>
  (v, path, errors) => {
    if (!Array.isArray(v)) return void errors.push(`${path}: expected array, but got ${typeName(v)}`);
    if (v.length > maxItems) errors.push(`${path}: maxItems: got ${v.length}, want ${maxItems}`);
    for (const [i, entry] of v.entries()) item(entry, `${path}/${i}`, errors);
  };

const nullable =
  (rule: Rule): Rule =>
  (v, path, errors) => {
    if (v !== null) rule(v, path, errors);
  };

const stringMap: Rule = (v, path, errors) => {
  if (typeName(v) !== "object") return void errors.push(`${path}: expected object, but got ${typeName(v)}`);
  for (const [key, value] of Object.entries(v as Record<string, unknown>))
    str()(value, `${path}.${key}`, errors);
};

const object =
  (properties: Record<string, Rule>, required: string[] = []): Rule =>
  (v, path, errors) => {
    if (typeName(v) !== "object") return void errors.push(`${path}: expected object, but got ${typeName(v)}`);
    const record = v as Record<string, unknown>;
    const missing = required.filter((key) => !(key in record));
    if (missing.length > 0)
      errors.push(`${path}: missing properties ${missing.map((m) => `'${m}'`).join(", ")}`);
    const extra = Object.keys(record).filter((key) => !(key in properties));
    if (extra.length > 0)
      errors.push(`${path}: additional properties ${extra.map((e) => `'${e}'`).join(", ")} not allowed`);
    for (const [key, rule] of Object.entries(properties)) {
      if (key in record) rule(record[key], `${path}.${key}`, errors);
    }
  };

const mounts = object({
  persistent: object({ size: int(10), path: str(1) }, ["size", "path"]),
  network: arrayOf(object({ volumeId: str(1), path: str(1) }, ["volumeId", "path"]), 1),
});

const createPodRequest = object(
  {
    name: str(1),
    image: str(),
    args: str(),
    disk: int(1),
    ports: arrayOf(str()),
    env: stringMap,
    registry: nullable(str()),
    mounts,
    gpu: object({ id: str(1), count: int(1) }, ["id"]),
    cpu: object({ id: str(1), vcpuCount: int(2) }, ["id", "vcpuCount"]),
    cloud: oneOf("SECURE", "COMMUNITY"),
    dataCenterIds: arrayOf(str()),
    globalNetworking: bool,
  },
  ["name", "image"],
);

export function validateCreatePodRequest(body: unknown): Validation {
  const errors: string[] = [];
  createPodRequest(body, "$", errors);
  if (errors.length > 0) return { ok: false, status: 422, detail: "Request validation failed.", errors };
  const record = body as Record<string, unknown>;
  const bad = (detail: string): Validation => ({ ok: false, status: 400, detail });
  if ("gpu" in record === "cpu" in record) return bad("exactly one of gpu or cpu must be set");
  const m = record.mounts as { persistent?: unknown; network?: unknown } | undefined;
  if (m?.persistent !== undefined && m.network !== undefined) {
    return bad("mounts.persistent and mounts.network are mutually exclusive");
  }
  if ("cpu" in record) {
    if (m?.persistent !== undefined) return bad("mounts.persistent is not supported on CPU pods");
    const vcpu = (record.cpu as { vcpuCount: number }).vcpuCount;
    if ((vcpu & (vcpu - 1)) !== 0) return bad("cpu.vcpuCount must be a power of two");
  }
  return { ok: true };
}
