// RunPod provider over RunPod's REST API v2 (`https://api.runpod.io/v2`).
//
// Why v2 and not v1 (`rest.runpod.io/v1`) or GraphQL:
// - v1 is deprecated with retirement scheduled for 2026-11-15 (runpod/docs migrate-from-v1.mdx);
//   new code against it would have a known expiry date.
// - v2 has everything the scaler needs: create/get/list/delete pods and the GPU catalog with prices
//   (`/v2/catalog/gpus`), RFC 9457 error bodies with a real status code (402 balance, 429 +
//   Retry-After), and rate-limit headers. So GraphQL (errors arrive as HTTP 200) is not used at all.
// - v2 places exactly one GPU type per create (no fallback list like v1's `gpuTypeIds`). That suits
//   us: the scaling policy owns candidate order and cooldowns, and tries candidates one by one.
// The provider never retries on its own: the scale tick is the retry loop, and it needs to see each
// failure to drive cooldowns.

import type { z } from "zod";
import { assertPodSpecIsSafe, belongsToDeployment, podName, readPodTags, taggedEnv } from "./pod-tags.ts";
import { type PodSpec, type PodStatus, type Provider, ProviderError, type ProviderPod } from "./provider.ts";
import { callJson, callText, type FetchLike, type HttpTarget } from "./provider-http.ts";
import { runPodHttpError } from "./runpod-errors.ts";
import {
  type RunPodGpuType,
  RunPodListGpuTypesResponse,
  RunPodListPodsResponse,
  RunPodPod,
} from "./runpod-schemas.ts";

export const RUNPOD_REST_BASE_URL = "https://api.runpod.io/v2";

export interface RunPodProviderOptions {
  apiKey: string;
  deploymentId: string;
  /** Defaults to RunPod's v2 base; point it at the fake (`<fake url>/v2`) in tests. */
  restBaseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** CPU pods (gpuTypeId null) need a flavor and a power-of-two vCPU count in v2. */
  cpuFlavorId?: string;
  cpuVcpuCount?: number;
  /** Where a pod volume (`volumeGb`) is mounted. */
  volumeMountPath?: string;
}

export function createRunPodProvider(options: RunPodProviderOptions): Provider {
  if (options.apiKey.length === 0)
    throw new ProviderError("auth", "runpod: apiKey is empty", { provider: "runpod" });
  const target = runPodTarget(options);
  const { deploymentId, apiKey } = options;

  return {
    name: "runpod",
    async create(spec: PodSpec): Promise<ProviderPod> {
      assertPodSpecIsSafe(spec, "runpod", [apiKey]);
      if (spec.deploymentId !== deploymentId) {
        throw new ProviderError(
          "bad_request",
          `runpod: spec is for deployment ${spec.deploymentId}, not ${deploymentId}`,
          {
            provider: "runpod",
          },
        );
      }
      const answer = await callJson(target, "POST", "pods", createPodBody(spec, options));
      if (answer.status !== 201 && answer.status !== 200) throw runPodHttpError(answer, "create pod");
      return toProviderPod(parseOrThrow(RunPodPod, answer.body, "create pod"), deploymentId);
    },

    async describe(podId: string): Promise<ProviderPod | null> {
      const answer = await callJson(target, "GET", `pods/${encodeURIComponent(podId)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw runPodHttpError(answer, "get pod");
      return toProviderPod(parseOrThrow(RunPodPod, answer.body, "get pod"), deploymentId);
    },

    async list(): Promise<ProviderPod[]> {
      const answer = await callJson(target, "GET", "pods");
      if (answer.status !== 200) throw runPodHttpError(answer, "list pods");
      const { pods } = parseOrThrow(RunPodListPodsResponse, answer.body, "list pods");
      return pods
        .filter((pod) => belongsToDeployment(pod.name, pod.env ?? undefined, deploymentId))
        .map((pod) => toProviderPod(pod, deploymentId));
    },

    async containerLog(podId: string, tail: number): Promise<string[]> {
      const answer = await callText(
        target,
        `pods/${encodeURIComponent(podId)}/logs?source=container&tail=${tail}`,
      );
      if (answer.status === 404) return [];
      if (answer.status !== 200) throw runPodHttpError({ ...answer, body: answer.text }, "pod logs");
      return parsePodLogStream(answer.text);
    },

    async terminate(podId: string): Promise<void> {
      const answer = await callJson(target, "DELETE", `pods/${encodeURIComponent(podId)}`);
      // 404: already gone — terminating is idempotent.
      if (answer.status === 204 || answer.status === 200 || answer.status === 404) return;
      throw runPodHttpError(answer, "terminate pod");
    },
  };
}

function runPodTarget(options: {
  apiKey: string;
  restBaseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}): HttpTarget {
  return {
    provider: "runpod",
    baseUrl: options.restBaseUrl ?? RUNPOD_REST_BASE_URL,
    token: options.apiKey,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}

/**
 * The v2 CreatePodRequest for a spec: nested `gpu` (with the CUDA floor) or `cpu`, `disk`,
 * `mounts.persistent`, `ports`, the start command in `args`, tagged env.
 */
export function createPodBody(
  spec: PodSpec,
  options: Pick<RunPodProviderOptions, "cpuFlavorId" | "cpuVcpuCount" | "volumeMountPath"> = {},
) {
  const compute =
    spec.gpuTypeId === null
      ? { cpu: { id: options.cpuFlavorId ?? "cpu5c", vcpuCount: options.cpuVcpuCount ?? 4 } }
      : {
          gpu: {
            id: spec.gpuTypeId,
            count: spec.gpuCount,
            ...(spec.minCudaVersion ? { minCudaVersion: spec.minCudaVersion } : {}),
          },
        };
  // v2 refuses host-local persistent volumes on CPU pods, so a CPU spec gets container disk only.
  const path = spec.volumeMountPath ?? options.volumeMountPath ?? "/workspace";
  const mounts =
    spec.volumeGb !== undefined && spec.volumeGb > 0 && spec.gpuTypeId !== null
      ? { mounts: { persistent: { size: spec.volumeGb, path } } }
      : {};
  return {
    name: podName(spec.deploymentId, spec.workerId),
    image: spec.image,
    ...compute,
    cloud: spec.cloud ?? "SECURE",
    env: taggedEnv(spec),
    ...(spec.containerDiskGb === undefined ? {} : { disk: spec.containerDiskGb }),
    ...mounts,
    ...(spec.ports && spec.ports.length > 0 ? { ports: spec.ports } : {}),
    ...(spec.startCommand === undefined ? {} : { args: spec.startCommand }),
  };
}

/**
 * GET /v2/pods/{id}/logs answers server-sent events (`id:` + JSON `data: {ts, source, line}`) and
 * keeps the stream open for new lines; the backfill arrives first, so the read stops after a
 * short quiet spell (`callText`'s idle cut) and the lines seen are what the pod said.
 */
export function parsePodLogStream(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.startsWith("data:")) continue;
    try {
      const event = JSON.parse(raw.slice(5).trim()) as { line?: unknown };
      if (typeof event.line === "string") lines.push(event.line);
    } catch {
      // A partial last event (cut by the quiet-spell stop) is dropped.
    }
  }
  return lines;
}

const STATUS_MAP: Record<string, PodStatus> = {
  PROVISIONING: "provisioning",
  STARTING: "provisioning",
  RUNNING: "running",
  EXITED: "exited",
  ERROR: "error",
  TERMINATED: "terminated",
};

export function toProviderPod(pod: RunPodPod, deploymentId: string): ProviderPod {
  const tags = readPodTags(pod.name, pod.env ?? undefined, deploymentId);
  return {
    podId: pod.id,
    provider: "runpod",
    name: pod.name,
    workerId: tags.workerId,
    deploymentId: tags.deploymentId,
    // An unknown (new) status reads as "provisioning": never a reason to kill a pod on its own.
    status: STATUS_MAP[pod.status] ?? "provisioning",
    costPerHour: pod.cost ?? 0,
    gpuTypeId: pod.gpu?.id ?? null,
    gpuCount: pod.gpu?.count ?? 0,
    createdAt: pod.createdAt ?? null,
  };
}

function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ProviderError(
    "transient",
    `runpod: ${operation}: unexpected response shape: ${parsed.error.message.slice(0, 300)}`,
    {
      provider: "runpod",
      status: 200,
    },
  );
}

export interface RunPodCatalogOptions {
  apiKey: string;
  restBaseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Ask for stock levels (`include=AVAILABILITY`) for this cloud and GPU count. */
  availability?: { cloud?: "SECURE" | "COMMUNITY"; count?: number };
}

/** GET /v2/catalog/gpus: every GPU type with id, name, VRAM (GB) and per-GPU hourly prices. */
export async function fetchRunPodGpuCatalog(options: RunPodCatalogOptions): Promise<RunPodGpuType[]> {
  const query = new URLSearchParams();
  if (options.availability) {
    query.set("include", "AVAILABILITY");
    query.set("product", "POD");
    query.set("cloud", options.availability.cloud ?? "SECURE");
    query.set("count", String(options.availability.count ?? 1));
  }
  const path = query.size > 0 ? `catalog/gpus?${query}` : "catalog/gpus";
  const answer = await callJson(runPodTarget(options), "GET", path);
  if (answer.status !== 200) throw runPodHttpError(answer, "list gpu types");
  return parseOrThrow(RunPodListGpuTypesResponse, answer.body, "list gpu types").gpus;
}
