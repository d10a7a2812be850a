// What RunPod enforces in its handler rather than in the schema, as the document's prose states it
// (CreatePodRequest, CreateGpuConfig, Mounts descriptions in ./openapi): these answer 400, not 422.
// The schema half of validation is Ajv's (./openapi-validator.ts); only cross-field rules are here.
import { cpuHourlyPrice, type FakeGpuType, type FakePod, newPodId } from "./fake-state.ts";

/** A create body that already passed the schema. */
export interface CreatePodBody {
  name: string;
  image: string;
  args?: string;
  disk?: number;
  ports?: string[];
  env?: Record<string, string>;
  registry?: string | null;
  mounts?: { persistent?: { size: number; path: string }; network?: unknown[] };
  gpu?: { id: string; count?: number; allowedCudaVersions?: string[]; minCudaVersion?: string };
  cpu?: { id: string; vcpuCount: number };
  cloud?: "SECURE" | "COMMUNITY";
}

/** The 400 detail for a body RunPod's handler refuses, or null. */
export function createPodRuleViolation(body: CreatePodBody): string | null {
  if ((body.gpu === undefined) === (body.cpu === undefined)) return "exactly one of gpu or cpu must be set";
  if (body.mounts?.persistent !== undefined && body.mounts.network !== undefined) {
    return "mounts.persistent and mounts.network are mutually exclusive";
  }
  if (body.cpu !== undefined) {
    if (body.mounts?.persistent !== undefined) return "mounts.persistent is not supported on CPU pods";
    const vcpu = body.cpu.vcpuCount;
    if ((vcpu & (vcpu - 1)) !== 0) return "cpu.vcpuCount must be a power of two";
  }
  if ((body.gpu?.allowedCudaVersions?.length ?? 0) > 0 && body.gpu?.minCudaVersion !== undefined) {
    return "gpu.allowedCudaVersions and gpu.minCudaVersion are mutually exclusive";
  }
  for (const port of body.ports ?? []) {
    // "Exposed ports, formatted as port/protocol" (BaseContainerConfig.ports).
    const [number, protocol, ...rest] = port.split("/");
    const value = Number(number);
    if (
      rest.length > 0 ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > 65535 ||
      !["http", "tcp"].includes(protocol ?? "")
    ) {
      return `ports: '${port}' is not port/protocol (http or tcp)`;
    }
  }
  return null;
}

export function newPod(request: CreatePodBody, gpuType: FakeGpuType | undefined): FakePod {
  const cloud = request.cloud ?? "SECURE";
  const count = request.gpu?.count ?? 1;
  const price = gpuType
    ? count * (cloud === "SECURE" ? gpuType.securePrice : gpuType.communityPrice)
    : cpuHourlyPrice(request.cpu?.vcpuCount ?? 2);
  const cuda = request.gpu?.allowedCudaVersions?.toSorted(byVersion).at(-1) ?? request.gpu?.minCudaVersion;
  return {
    id: newPodId(),
    name: request.name,
    image: request.image,
    args: request.args ?? "",
    disk: request.disk ?? 50,
    ports: request.ports ?? [],
    env: request.env ?? {},
    registry: request.registry ?? null,
    status: "PROVISIONING",
    mounts: request.mounts ?? {},
    ...(gpuType ? { gpu: { id: gpuType.id, count } } : {}),
    ...(request.cpu ? { cpu: { ...request.cpu, memory: request.cpu.vcpuCount * 2 } } : {}),
    cloud,
    dataCenterId: "US-TX-3",
    cudaVersion: gpuType ? (cuda ?? "12.8") : null,
    logLines: [],
    createdAt: new Date().toISOString(),
    startedAt: null,
    reads: 0,
    hourlyPrice: price,
  };
}

function byVersion(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am - bm || an - bn;
}
