// A job's environment is built from an allowlist, never by copying the worker's: the worker holds
// its own token, the pod-scoped RunPod key and whatever else the pod was started with, and a job
// must see only what it declared (the original worker leaked every org secret into every job).

/** Names passed through from the worker's environment; `X_*` is a prefix pattern. */
export const DEFAULT_JOB_ENV_ALLOW = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "LC_*",
  "TZ",
  "TERM",
  "TMPDIR",
  "LD_LIBRARY_PATH",
  "PYTHONPATH",
  "VIRTUAL_ENV",
  "CONDA_*",
  "CUDA_*",
  "NVIDIA_*",
  "NCCL_*",
  "HF_HOME",
  "HF_HUB_CACHE",
  "HF_HUB_ENABLE_HF_TRANSFER",
  "HF_HUB_OFFLINE",
  "TRANSFORMERS_CACHE",
  "TORCH_HOME",
  "TORCH_CUDA_ARCH_LIST",
  "XDG_CACHE_HOME",
  "PIP_CACHE_DIR",
  "VLLM_*",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "NODE_EXTRA_CA_CERTS",
];

// Never passed through, even when a pattern (or an operator's extra allow entry) would match.
const NEVER_PASSED = [
  /TOKEN/,
  /SECRET/,
  /PASSWORD/,
  /(^|_)KEY$/,
  /PRIVATE_KEY/,
  /DATABASE_URL/,
  /SERVICE_ROLE/,
  /^PG(PASSWORD|USER|HOST)$/,
  /^OPENWEIGHTS_/,
  /^RUNPOD_/,
  /^OW_/,
  /^AWS_/,
];

export function isAllowedName(name: string, allow: readonly string[]): boolean {
  if (NEVER_PASSED.some((p) => p.test(name))) return false;
  return allow.some((entry) => (entry.endsWith("*") ? name.startsWith(entry.slice(0, -1)) : name === entry));
}

export interface JobEnvInput {
  workerEnv: Record<string, string | undefined>;
  extraAllow: readonly string[];
  runId: string;
  jobId: string;
  attempt: number;
  /** Paths as the job sees them (inside the container for the docker executor). */
  eventsPath: string;
  uploadsDir: string;
  gpuCount: number;
  apiUrl: string;
  runToken: string;
  /** Exactly the secrets the claim handed out (the job declared them). */
  secrets: Record<string, string>;
  /** The port a serving job should listen on and the URL at which clients reach it from outside. */
  serving: { port: number; publicUrl: string };
  /** A directory kept across this job's attempts on this machine (checkpoints to resume from); null in containers. */
  stateDir?: string | null;
}

export function buildJobEnv(input: JobEnvInput): Record<string, string> {
  const allow = [...DEFAULT_JOB_ENV_ALLOW, ...input.extraAllow];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.workerEnv)) {
    if (value !== undefined && isAllowedName(name, allow)) env[name] = value;
  }
  Object.assign(env, input.secrets);
  // Last, so neither the worker's env nor a secret can redirect what the platform promises.
  Object.assign(env, {
    PYTHONUNBUFFERED: "1",
    OPENWEIGHTS_RUN_ID: input.runId,
    OPENWEIGHTS_JOB_ID: input.jobId,
    OPENWEIGHTS_ATTEMPT: String(input.attempt),
    OPENWEIGHTS_EVENTS: input.eventsPath,
    OPENWEIGHTS_UPLOADS: input.uploadsDir,
    OPENWEIGHTS_API_URL: input.apiUrl,
    OPENWEIGHTS_API_KEY: input.runToken,
    N_GPUS: String(input.gpuCount),
    // On purpose, instead of RUNPOD_POD_ID (withheld above): the job needs where it is reached, not
    // which pod it is, and this works the same on every provider.
    OPENWEIGHTS_SERVE_PORT: String(input.serving.port),
    OPENWEIGHTS_PUBLIC_URL: input.serving.publicUrl,
  });
  if (input.stateDir) env.OPENWEIGHTS_JOB_STATE = input.stateDir;
  return env;
}
