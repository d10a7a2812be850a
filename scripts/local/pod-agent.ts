// The pod agent: a small HTTP server on 127.0.0.1 that plays "cloud" for the `local` provider.
// A pod is a worker process on this machine (no containers; the image is recorded, not pulled).
// The edge functions stay runtime-neutral and reach processes only through this agent.
//
//   GET    /capacity      this machine's GPUs and which are free
//   GET    /pods          all pods (?deploymentId= to filter)
//   POST   /pods          start a worker (AgentCreatePodRequest) → 201 AgentPod
//   GET    /pods/:id      one pod
//   DELETE /pods/:id      SIGTERM the worker's process group, SIGKILL after a grace → 204
//
// Every request needs `Authorization: Bearer <token>`. close() stops every worker: no orphans.
// The routes are a Hono app (pod-agent-app.ts); this file is what they do.

import { availableParallelism, totalmem } from "node:os";
import { serve } from "@hono/node-server";
import {
  type AgentCapacity,
  AgentCreatePodRequest,
  type AgentPod,
} from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { forbiddenEnvKeys } from "../../supabase/functions/_shared/providers/pod-tags.ts";
import { detectGpus, type LocalGpu } from "./gpus.ts";
import { LocalPod } from "./local-pod.ts";
import { AgentHttpError, makePodAgentApp, type PodAgentActions } from "./pod-agent-app.ts";
import { PodLedger } from "./pod-ledger.ts";
import type { WorkerSpawner } from "./worker-process.ts";

export interface PodAgentOptions {
  token: string;
  spawnWorker: WorkerSpawner;
  port?: number;
  /** This machine's GPUs; detected with nvidia-smi when omitted. */
  gpus?: LocalGpu[];
  /** How long a worker gets between SIGTERM and SIGKILL. */
  terminateGraceMs?: number;
  /**
   * A file noting the workers started, so that an agent started after a crashed one ends the
   * workers the crashed one left running (see pod-ledger.ts).
   */
  ledgerFile?: string;
}

export interface PodAgent {
  url: string;
  /** Snapshot of every pod the agent holds. */
  pods(): AgentPod[];
  close(): Promise<void>;
}

export async function startPodAgent(options: PodAgentOptions): Promise<PodAgent> {
  if (options.token.length < 16) throw new Error("pod agent token must be at least 16 characters");
  const gpus = options.gpus ?? (await detectGpus());
  const ledger = options.ledgerFile ? new PodLedger(options.ledgerFile) : null;
  const leftovers = ledger?.endLeftovers() ?? [];
  if (leftovers.length > 0)
    console.log(
      `pod agent: ended ${leftovers.length} worker(s) a previous agent left: ${leftovers.join(", ")}`,
    );
  const agent = new AgentState(options, gpus, ledger);
  const app = makePodAgentApp(agent, options.token);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, (info) =>
        resolve({ server, port: info.port }),
      );
    },
  );
  return {
    url: `http://127.0.0.1:${port}`,
    pods: () => agent.snapshot(),
    close: async () => {
      agent.closing = true;
      await agent.stopAll();
      await new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export class AgentState implements PodAgentActions {
  readonly pods = new Map<string, LocalPod>();
  closing = false;
  private nextId = 1;

  constructor(
    private readonly options: PodAgentOptions,
    private readonly gpus: LocalGpu[],
    private readonly ledger: PodLedger | null,
  ) {}

  snapshot(): AgentPod[] {
    return [...this.pods.values()].map((pod) => pod.toJson());
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.pods.values()].map((pod) => pod.stop(this.graceMs)));
  }

  private get graceMs(): number {
    return this.options.terminateGraceMs ?? 10_000;
  }

  get(id: string): AgentPod | undefined {
    return this.pods.get(id)?.toJson();
  }

  async remove(id: string): Promise<boolean> {
    const pod = this.pods.get(id);
    if (!pod) return false;
    await pod.stop(this.graceMs);
    this.pods.delete(id);
    return true;
  }

  capacity(): AgentCapacity {
    return {
      gpus: this.gpus,
      freeGpuIndices: this.freeGpuIndices(),
      cpuCount: availableParallelism(),
      memoryGb: Math.round(totalmem() / 1024 ** 3),
    };
  }

  private freeGpuIndices(): number[] {
    const held = new Set([...this.pods.values()].flatMap((pod) => pod.heldGpuIndices()));
    return this.gpus.map((gpu) => gpu.index).filter((index) => !held.has(index));
  }

  async create(body: unknown): Promise<AgentPod> {
    if (this.closing) throw new AgentHttpError(503, "shutting_down", "the pod agent is stopping");
    const parsed = AgentCreatePodRequest.safeParse(body);
    if (!parsed.success) throw new AgentHttpError(422, "invalid_request", parsed.error.message);
    const request = parsed.data;
    const forbidden = forbiddenEnvKeys(request.env);
    if (forbidden.length > 0) {
      throw new AgentHttpError(
        422,
        "invalid_request",
        `pod env must not contain secrets: ${forbidden.join(", ")}`,
      );
    }
    const free = this.freeGpuIndices();
    if (request.gpuCount > free.length) {
      throw new AgentHttpError(
        409,
        "no_capacity",
        `needs ${request.gpuCount} GPU(s); ${free.length} of ${this.gpus.length} free on this machine`,
      );
    }
    const id = `local-${process.pid}-${this.nextId++}`;
    const pod = LocalPod.start(id, request, free.slice(0, request.gpuCount), this.options.spawnWorker);
    this.pods.set(id, pod);
    if (pod.pid !== null) this.ledger?.record(id, pod.pid);
    return pod.toJson();
  }
}
