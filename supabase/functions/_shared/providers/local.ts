// The `local` provider: workers as processes on this machine, reached through the pod agent
// (scripts/local/pod-agent.ts) over HTTP so this module stays runtime-neutral. Local pods cost
// nothing; their hardware is whatever the machine has (the agent refuses GPU pods it cannot seat).

import type { z } from "zod";
import { AgentError, AgentListPodsResponse, AgentPod } from "./local-agent-protocol.ts";
import { assertPodSpecIsSafe, podName, taggedEnv } from "./pod-tags.ts";
import {
  type PodSpec,
  type Provider,
  ProviderError,
  type ProviderErrorKind,
  type ProviderPod,
} from "./provider.ts";
import {
  callJson,
  type FetchLike,
  type HttpAnswer,
  type HttpTarget,
  parseRetryAfter,
} from "./provider-http.ts";

export interface LocalProviderOptions {
  agentUrl: string;
  token: string;
  deploymentId: string;
  fetch?: FetchLike;
  /** Terminate waits for the worker's grace period, so allow more than that. */
  timeoutMs?: number;
}

export function createLocalProvider(options: LocalProviderOptions): Provider {
  const target: HttpTarget = {
    provider: "local",
    baseUrl: options.agentUrl,
    token: options.token,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 60_000,
  };
  const { deploymentId } = options;

  return {
    name: "local",
    async create(spec: PodSpec): Promise<ProviderPod> {
      assertPodSpecIsSafe(spec, "local", [options.token]);
      if (spec.deploymentId !== deploymentId) {
        throw new ProviderError(
          "bad_request",
          `local: spec is for deployment ${spec.deploymentId}, not ${deploymentId}`,
          {
            provider: "local",
          },
        );
      }
      const answer = await callJson(target, "POST", "pods", {
        name: podName(spec.deploymentId, spec.workerId),
        workerId: spec.workerId,
        deploymentId: spec.deploymentId,
        image: spec.image,
        gpuTypeId: spec.gpuTypeId,
        gpuCount: spec.gpuCount,
        env: taggedEnv(spec),
      });
      if (answer.status !== 201) throw localAgentError(answer, "create pod");
      return toProviderPod(parseAgent(AgentPod, answer.body, "create pod"));
    },

    async describe(podId: string): Promise<ProviderPod | null> {
      const answer = await callJson(target, "GET", `pods/${encodeURIComponent(podId)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw localAgentError(answer, "get pod");
      return toProviderPod(parseAgent(AgentPod, answer.body, "get pod"));
    },

    async list(): Promise<ProviderPod[]> {
      const answer = await callJson(target, "GET", `pods?deploymentId=${encodeURIComponent(deploymentId)}`);
      if (answer.status !== 200) throw localAgentError(answer, "list pods");
      const { pods } = parseAgent(AgentListPodsResponse, answer.body, "list pods");
      // Filter again: the agent may be shared by several local deployments (and an old agent may
      // ignore the query).
      return pods.filter((pod) => pod.deploymentId === deploymentId).map(toProviderPod);
    },

    async terminate(podId: string): Promise<void> {
      const answer = await callJson(target, "DELETE", `pods/${encodeURIComponent(podId)}`);
      if (answer.status === 204 || answer.status === 404) return;
      throw localAgentError(answer, "terminate pod");
    },
  };
}

function toProviderPod(pod: AgentPod): ProviderPod {
  return {
    podId: pod.id,
    provider: "local",
    name: pod.name,
    workerId: pod.workerId,
    deploymentId: pod.deploymentId,
    status: pod.status,
    costPerHour: 0,
    gpuTypeId: pod.gpuTypeId,
    gpuCount: pod.gpuCount,
    createdAt: pod.createdAt,
    exitCode: pod.exitCode,
  };
}

const KIND_BY_CODE: Record<string, ProviderErrorKind> = {
  unauthorized: "auth",
  invalid_request: "bad_request",
  not_found: "not_found",
  no_capacity: "no_capacity",
  shutting_down: "transient",
  internal: "transient",
};

function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 409) return "no_capacity";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "transient";
  return "bad_request";
}

function localAgentError(answer: HttpAnswer, operation: string): ProviderError {
  const parsed = AgentError.safeParse(answer.body);
  const kind =
    (parsed.success ? KIND_BY_CODE[parsed.data.error.code] : undefined) ?? kindForStatus(answer.status);
  const detail = parsed.success ? parsed.data.error.message : answer.text.slice(0, 300);
  const retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"));
  return new ProviderError(kind, `local: ${operation}: HTTP ${answer.status}: ${detail}`, {
    provider: "local",
    status: answer.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function parseAgent<T extends z.ZodType>(schema: T, body: unknown, operation: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ProviderError(
    "transient",
    `local: ${operation}: unexpected agent response: ${parsed.error.message.slice(0, 300)}`,
    {
      provider: "local",
    },
  );
}
