// The compute-provider port: where workers come from. The scaler only speaks these four verbs, so a
// new cloud is a new file, not a new `if` (SkyPilot's provision interface does the same).
// Runtime-neutral: fetch only, no Deno.* / node:*.

export type ProviderName = "runpod" | "local";

export interface PodSpec {
  workerId: string;
  deploymentId: string;
  /** Display name; providers tag pods with `podName(deploymentId, workerId)` regardless. */
  name: string;
  image: string;
  /** RunPod GPU type id (e.g. "NVIDIA H100 80GB HBM3"); null = CPU pod. */
  gpuTypeId: string | null;
  gpuCount: number;
  env: Record<string, string>;
  containerDiskGb?: number;
  volumeGb?: number;
  /** Where the volume is mounted (default `/workspace`). */
  volumeMountPath?: string;
  /** Exposed `port/protocol` entries, e.g. `8000/http` for a served model behind RunPod's proxy. */
  ports?: string[];
  /** Lowest host CUDA version (`major.minor`) the image needs. */
  minCudaVersion?: string | null;
  /** The container's start command, replacing the image's ENTRYPOINT and CMD (see pod-boot.ts). */
  startCommand?: string;
  cloud?: "SECURE" | "COMMUNITY";
}

export type PodStatus = "provisioning" | "running" | "exited" | "terminated" | "error";

export interface ProviderPod {
  podId: string;
  provider: ProviderName;
  name: string;
  workerId: string | null;
  deploymentId: string | null;
  status: PodStatus;
  /** USD per hour as the provider reports it now (0 once stopped; 0 for local pods). */
  costPerHour: number;
  gpuTypeId: string | null;
  gpuCount: number;
  createdAt: string | null;
  /** Local pods only: the worker's exit code once it has exited. */
  exitCode?: number | null;
}

export interface Provider {
  readonly name: ProviderName;
  create(spec: PodSpec): Promise<ProviderPod>;
  /** null when the provider does not know the pod (never created, or already deleted). */
  describe(podId: string): Promise<ProviderPod | null>;
  /** Only pods of this deployment (tagged by name and env); other pods on the account are invisible. */
  list(): Promise<ProviderPod[]>;
  /** Idempotent: terminating a pod that is already gone resolves. */
  terminate(podId: string): Promise<void>;
  /**
   * The last `tail` lines of the pod's container output, where the provider keeps it (RunPod
   * does; a local pod's output is already in its own log). Read before terminating a pod that
   * never registered, so its boot log outlives it.
   */
  containerLog?(podId: string, tail: number): Promise<string[]>;
}

/**
 * What went wrong, in the terms the scaler acts on:
 * - no_capacity: this hardware is out of stock now → cool it down, try the next candidate.
 * - spending_limit: the account cannot pay → pause all creation for a while (not a hardware fault).
 * - auth: the key is wrong or lacks access → stop and tell a human.
 * - rate_limited: back off for `retryAfterMs`.
 * - bad_request: our request is wrong (a bug or a refused spec) → do not retry as is.
 * - not_found: the pod does not exist.
 * - transient: network failure, timeout or 5xx → retry later, same candidate.
 */
export type ProviderErrorKind =
  | "no_capacity"
  | "auth"
  | "spending_limit"
  | "rate_limited"
  | "bad_request"
  | "not_found"
  | "transient";

export interface ProviderErrorOptions {
  /** HTTP status of the provider's answer; null when no answer came (network error, timeout). */
  status?: number | null;
  retryAfterMs?: number;
  provider?: ProviderName;
  cause?: unknown;
}

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  readonly retryAfterMs?: number;
  readonly provider?: ProviderName;

  constructor(kind: ProviderErrorKind, message: string, options: ProviderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options.status ?? null;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.provider !== undefined) this.provider = options.provider;
  }

  /** Worth trying the same request again later. */
  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "rate_limited";
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}
