// The fake RunPod account: pods, a GPU catalog, and the failure switches tests flip.
// Pod objects follow the v2 `Pod` schema (every required field present) so a client that parses
// strictly against RunPod's spec would accept them.
import { randomBytes } from "node:crypto";

export type FakePodStatus = "PROVISIONING" | "STARTING" | "RUNNING" | "EXITED" | "ERROR" | "TERMINATED";

export interface FakeGpuType {
  id: string;
  name: string;
  manufacturer: "NVIDIA" | "AMD";
  memory: number;
  securePrice: number;
  communityPrice: number;
  maxCount: number;
}

// Ids as RunPod spells them; prices are indicative USD per GPU-hour (OpenWeights' table).
export const DEFAULT_GPU_CATALOG: readonly FakeGpuType[] = [
  {
    id: "NVIDIA RTX A4000",
    name: "RTX A4000",
    manufacturer: "NVIDIA",
    memory: 16,
    securePrice: 0.28,
    communityPrice: 0.17,
    maxCount: 8,
  },
  {
    id: "NVIDIA GeForce RTX 4090",
    name: "RTX 4090",
    manufacturer: "NVIDIA",
    memory: 24,
    securePrice: 0.69,
    communityPrice: 0.34,
    maxCount: 8,
  },
  {
    id: "NVIDIA A40",
    name: "A40",
    manufacturer: "NVIDIA",
    memory: 48,
    securePrice: 0.44,
    communityPrice: 0.35,
    maxCount: 10,
  },
  {
    id: "NVIDIA RTX 6000 Ada Generation",
    name: "RTX 6000 Ada",
    manufacturer: "NVIDIA",
    memory: 48,
    securePrice: 0.77,
    communityPrice: 0.74,
    maxCount: 8,
  },
  {
    id: "NVIDIA A100 80GB PCIe",
    name: "A100 PCIe",
    manufacturer: "NVIDIA",
    memory: 80,
    securePrice: 1.39,
    communityPrice: 1.19,
    maxCount: 8,
  },
  {
    id: "NVIDIA A100-SXM4-80GB",
    name: "A100 SXM",
    manufacturer: "NVIDIA",
    memory: 80,
    securePrice: 1.49,
    communityPrice: 1.39,
    maxCount: 8,
  },
  {
    id: "NVIDIA H100 80GB HBM3",
    name: "H100 SXM",
    manufacturer: "NVIDIA",
    memory: 80,
    securePrice: 2.69,
    communityPrice: 2.39,
    maxCount: 8,
  },
  {
    id: "NVIDIA H200",
    name: "H200 SXM",
    manufacturer: "NVIDIA",
    memory: 141,
    securePrice: 3.59,
    communityPrice: 3.59,
    maxCount: 8,
  },
];
const CPU_PRICE_PER_VCPU = 0.03;

export interface FakePod {
  id: string;
  name: string;
  image: string;
  args: string;
  disk: number;
  ports: string[];
  env: Record<string, string>;
  registry: string | null;
  status: FakePodStatus;
  mounts: Record<string, unknown>;
  gpu?: { id: string; count: number };
  cpu?: { id: string; vcpuCount: number; memory: number };
  cloud: "SECURE" | "COMMUNITY";
  dataCenterId: string | null;
  createdAt: string;
  startedAt: string | null;
  /** The host's CUDA version: the newest of the request's `gpu.allowedCudaVersions`, else 12.8. */
  cudaVersion: string | null;
  /** The container's stdout as `GET /v2/pods/{id}/logs` streams it (tests append lines). */
  logLines: { ts: string; line: string }[];
  /** How many times a client has looked at this pod (drives PROVISIONING → RUNNING). */
  reads: number;
  hourlyPrice: number;
}

export interface FakeRunPodState {
  apiKey: string;
  gpuTypes: FakeGpuType[];
  pods: Map<string, FakePod>;
  /** Ids of pods deleted through the API, for assertions. */
  deleted: string[];
  /** GPU type ids that answer "no longer any instances available". */
  noCapacity: Set<string>;
  /** Every create answers 402 insufficient balance. */
  spendingLimit: boolean;
  /** The next N authenticated requests answer 429. */
  rateLimitNext: number;
  /** Retry-After seconds sent with 429; null sends only the RateLimit header. */
  retryAfterSeconds: number | null;
  /** The next N authenticated requests answer 503. */
  failNext: number;
  /** Reads a pod needs before it is RUNNING (one read moves it to STARTING first). */
  startupReads: number;
  /** Every request the fake saw, without headers. */
  requests: { method: string; path: string }[];
  /** Requests refused for breaking RunPod's OpenAPI document (422), with Ajv's reasons. */
  refusals: { operation: string; errors: string[] }[];
  /** Answers of the fake itself that broke the document (turned into 500s); must stay empty. */
  schemaViolations: { operation: string; status: number; errors: string[] }[];
}

export function createFakeState(
  apiKey: string,
  gpuTypes: readonly FakeGpuType[] = DEFAULT_GPU_CATALOG,
): FakeRunPodState {
  return {
    apiKey,
    gpuTypes: [...gpuTypes],
    pods: new Map(),
    deleted: [],
    noCapacity: new Set(),
    spendingLimit: false,
    rateLimitNext: 0,
    retryAfterSeconds: 7,
    failNext: 0,
    startupReads: 2,
    requests: [],
    refusals: [],
    schemaViolations: [],
  };
}

export function newPodId(): string {
  // RunPod pod ids are 14 lowercase alphanumerics, e.g. "xedezhzb9la3ye".
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(14), (b) => alphabet[b % alphabet.length]).join("");
}

/** One client look at a pod: moves it along PROVISIONING → STARTING → RUNNING. */
export function observePod(state: FakeRunPodState, pod: FakePod): void {
  if (pod.status !== "PROVISIONING" && pod.status !== "STARTING") return;
  pod.reads += 1;
  if (pod.reads >= state.startupReads) {
    pod.status = "RUNNING";
    pod.startedAt = new Date().toISOString();
  } else {
    pod.status = "STARTING";
  }
}

const ACTIONS: Record<FakePodStatus, string[]> = {
  PROVISIONING: ["stop", "terminate"],
  STARTING: ["stop", "terminate"],
  RUNNING: ["stop", "restart", "terminate"],
  EXITED: ["start", "terminate"],
  ERROR: ["terminate"],
  TERMINATED: [],
};

/** The v2 `Pod` JSON for a fake pod. */
export function podJson(pod: FakePod): Record<string, unknown> {
  const billing = pod.status !== "EXITED" && pod.status !== "TERMINATED";
  return {
    id: pod.id,
    name: pod.name,
    image: pod.image,
    args: pod.args,
    disk: pod.disk,
    ports: pod.ports,
    env: pod.env,
    registry: pod.registry,
    status: pod.status,
    actions: ACTIONS[pod.status],
    mounts: pod.mounts,
    ...(pod.gpu ? { gpu: pod.gpu } : {}),
    ...(pod.cpu ? { cpu: pod.cpu } : {}),
    cloud: pod.cloud,
    dataCenterId: pod.dataCenterId,
    cudaVersion: pod.cudaVersion,
    // startSsh is never sent and no 22/tcp port is exposed: no SSH endpoint to report.
    ssh: { proxy: null, direct: null },
    template: null,
    cost: billing ? Math.round(pod.hourlyPrice * 1000) / 1000 : 0,
    locked: false,
    globalNetworking: { enabled: false },
    runtime: pod.status === "RUNNING" ? { uptime: 0, ports: runtimePorts(pod) } : null,
    createdAt: pod.createdAt,
    startedAt: pod.startedAt,
  };
}

/** RunPod maps http ports through its proxy (no public port); tcp ports get a public one. */
function runtimePorts(pod: FakePod) {
  return pod.ports.map((entry, i) => {
    const [port, type] = entry.split("/");
    const priv = Number(port);
    return type === "tcp"
      ? { private: priv, public: 40000 + i, type: "tcp", ip: "203.0.113.7" }
      : { private: priv, public: null, type: "http", ip: null };
  });
}

export function gpuTypeJson(gpu: FakeGpuType, state: FakeRunPodState, withAvailability: boolean) {
  return {
    id: gpu.id,
    name: gpu.name,
    pool: null,
    manufacturer: gpu.manufacturer,
    memory: gpu.memory,
    secure: true,
    community: true,
    price: { secure: gpu.securePrice, community: gpu.communityPrice },
    maxCount: { secure: gpu.maxCount, community: gpu.maxCount },
    ...(withAvailability ? { availability: state.noCapacity.has(gpu.id) ? "NONE" : "HIGH" } : {}),
  };
}

export function cpuHourlyPrice(vcpuCount: number): number {
  return vcpuCount * CPU_PRICE_PER_VCPU;
}
