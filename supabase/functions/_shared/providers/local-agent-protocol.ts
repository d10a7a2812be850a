// Wire shapes between the `local` provider (runs inside the scale function, runtime-neutral) and the
// pod agent (`scripts/local/pod-agent.ts`, a Node process that owns the worker processes). Both
// sides import these schemas, so the two ends cannot drift. Errors use the project's shape
// `{"error":{"code","message"}}` with stable snake_case codes.
import { z } from "zod";

export const AgentCreatePodRequest = z.strictObject({
  name: z.string().min(1).max(200),
  workerId: z.string().min(1).max(128),
  deploymentId: z.string().min(1).max(63),
  image: z.string().max(500),
  gpuTypeId: z.string().max(200).nullable(),
  gpuCount: z.number().int().min(0).max(64),
  env: z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env names are [A-Za-z_][A-Za-z0-9_]*"),
    z.string(),
  ),
});
export type AgentCreatePodRequest = z.infer<typeof AgentCreatePodRequest>;

export const AgentPodStatus = z.enum(["running", "exited", "terminated", "error"]);
export type AgentPodStatus = z.infer<typeof AgentPodStatus>;

export const AgentPod = z.object({
  id: z.string(),
  name: z.string(),
  workerId: z.string(),
  deploymentId: z.string(),
  image: z.string(),
  status: AgentPodStatus,
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Why the worker could not start (spawn failure), when status is "error". */
  error: z.string().nullable(),
  gpuTypeId: z.string().nullable(),
  gpuCount: z.number().int(),
  /** Which of this machine's GPUs the worker sees (CUDA_VISIBLE_DEVICES). */
  gpuIndices: z.array(z.number().int()),
  createdAt: z.string(),
});
export type AgentPod = z.infer<typeof AgentPod>;

export const AgentListPodsResponse = z.object({ pods: z.array(AgentPod) });
export type AgentListPodsResponse = z.infer<typeof AgentListPodsResponse>;

export const AgentGpu = z.object({
  index: z.number().int(),
  name: z.string(),
  memoryMib: z.number(),
  memoryGb: z.number(),
});
export type AgentGpu = z.infer<typeof AgentGpu>;

export const AgentCapacity = z.object({
  gpus: z.array(AgentGpu),
  /** GPU indices not held by a running worker. */
  freeGpuIndices: z.array(z.number().int()),
  cpuCount: z.number().int(),
  memoryGb: z.number(),
});
export type AgentCapacity = z.infer<typeof AgentCapacity>;

export const AgentErrorCode = z.enum([
  "unauthorized",
  "invalid_request",
  "not_found",
  "no_capacity",
  "shutting_down",
  "internal",
]);
export type AgentErrorCode = z.infer<typeof AgentErrorCode>;

export const AgentError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type AgentError = z.infer<typeof AgentError>;
