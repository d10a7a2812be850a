// How a pod says who it belongs to. RunPod pod names are not unique and one API key covers the whole
// account (other projects, people's dev pods), so every pod we create carries two tags: its name
// `ow-<deploymentId>-<workerId>` and the env vars OW_DEPLOYMENT_ID / OW_WORKER_ID. `list()` trusts
// the env tag first: a name prefix alone would let deployment "prod" claim pods of "prod-eu".
import { type PodSpec, ProviderError, type ProviderName } from "./provider.ts";

export const POD_ENV_WORKER_ID = "OW_WORKER_ID";
export const POD_ENV_DEPLOYMENT_ID = "OW_DEPLOYMENT_ID";
const NAME_PREFIX = "ow-";

// Deployment ids end up in pod names and env values: keep them short and shell/URL safe.
const DEPLOYMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function podName(deploymentId: string, workerId: string): string {
  return `${NAME_PREFIX}${deploymentId}-${workerId}`;
}

export interface PodTags {
  workerId: string | null;
  deploymentId: string | null;
}

/** Reads our tags back from a provider pod's env (authoritative) or, failing that, its name. */
export function readPodTags(
  name: string,
  env: Record<string, string> | undefined,
  deploymentId: string,
): PodTags {
  const envDeployment = env?.[POD_ENV_DEPLOYMENT_ID];
  const envWorker = env?.[POD_ENV_WORKER_ID];
  if (envDeployment !== undefined) return { deploymentId: envDeployment, workerId: envWorker ?? null };
  const prefix = `${NAME_PREFIX}${deploymentId}-`;
  if (name.startsWith(prefix) && name.length > prefix.length) {
    return { deploymentId, workerId: envWorker ?? name.slice(prefix.length) };
  }
  return { deploymentId: null, workerId: envWorker ?? null };
}

/** A pod is ours when its env tag names our deployment, or (env missing) its name has our prefix. */
export function belongsToDeployment(
  name: string,
  env: Record<string, string> | undefined,
  deploymentId: string,
): boolean {
  return readPodTags(name, env, deploymentId).deploymentId === deploymentId;
}

// Pods never receive database credentials, the org's provider key, or the functions' own secrets
// (DESIGN §4). Exact names plus patterns, so a renamed copy (FOO_DATABASE_URL) is caught too.
const FORBIDDEN_ENV_NAMES = new Set([
  "RUNPOD_API_KEY",
  "DATABASE_URL",
  "SUPABASE_DB_URL",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_SECRET_KEY",
  "SERVICE_ROLE_KEY",
  "PGPASSWORD",
  "JWT_SECRET",
  "SUPABASE_JWT_SECRET",
]);
const FORBIDDEN_ENV_PATTERNS = [
  /DATABASE_URL$/,
  /DB_URL$/, // SUPABASE_DB_URL, OW_DB_URL (the functions' own login)
  /SERVICE_ROLE/,
  /^RUNPOD_API_KEY/,
  /^PG(PASSWORD|USER|HOST)$/,
];

export function forbiddenEnvKeys(env: Record<string, string>): string[] {
  return Object.keys(env).filter(
    (key) => FORBIDDEN_ENV_NAMES.has(key) || FORBIDDEN_ENV_PATTERNS.some((p) => p.test(key)),
  );
}

/**
 * Refuses a spec that would leak secrets into a pod or that cannot be tagged.
 * `providerSecrets` are values that must not appear anywhere in the env (e.g. the RunPod key under
 * an innocent-looking name).
 */
export function assertPodSpecIsSafe(
  spec: PodSpec,
  provider: ProviderName,
  providerSecrets: readonly string[] = [],
): void {
  const refuse = (message: string) => {
    throw new ProviderError("bad_request", message, { provider });
  };
  if (!DEPLOYMENT_ID.test(spec.deploymentId))
    refuse(`invalid deploymentId ${JSON.stringify(spec.deploymentId)}`);
  if (!WORKER_ID.test(spec.workerId)) refuse(`invalid workerId ${JSON.stringify(spec.workerId)}`);
  if (!Number.isInteger(spec.gpuCount) || spec.gpuCount < 0) refuse(`invalid gpuCount ${spec.gpuCount}`);
  if (spec.gpuTypeId !== null && spec.gpuCount < 1) refuse("a GPU pod needs gpuCount >= 1");
  const forbidden = forbiddenEnvKeys(spec.env);
  if (forbidden.length > 0) refuse(`pod env must not contain secrets: ${forbidden.join(", ")}`);
  const secrets = providerSecrets.filter((s) => s.length > 0);
  const leaking = Object.entries(spec.env).filter(([, value]) => secrets.some((s) => value.includes(s)));
  if (leaking.length > 0) {
    refuse(`pod env must not contain the provider key: ${leaking.map(([k]) => k).join(", ")}`);
  }
}

/** The env a pod is created with: the caller's env, then our tags (tags win). */
export function taggedEnv(spec: PodSpec): Record<string, string> {
  return { ...spec.env, [POD_ENV_DEPLOYMENT_ID]: spec.deploymentId, [POD_ENV_WORKER_ID]: spec.workerId };
}
