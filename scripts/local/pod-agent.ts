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
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism, totalmem } from "node:os";
import {
  type AgentCapacity,
  AgentCreatePodRequest,
  type AgentErrorCode,
  type AgentPod,
} from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { forbiddenEnvKeys } from "../../supabase/functions/_shared/providers/pod-tags.ts";
import { detectGpus, type LocalGpu } from "./gpus.ts";
import { bearerToken, listenLocal, readJsonBody, sendJson } from "./json-http.ts";
import { LocalPod } from "./local-pod.ts";
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

class AgentHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
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
  const server = await listenLocal((req, res) => agent.handle(req, res), options.port ?? 0);
  return {
    url: server.url,
    pods: () => agent.snapshot(),
    close: async () => {
      agent.closing = true;
      await agent.stopAll();
      await server.close();
    },
  };
}

class AgentState {
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

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (bearerToken(req) !== this.options.token)
        throw new AgentHttpError(401, "unauthorized", "bad or missing token");
      const url = new URL(req.url ?? "/", "http://agent.invalid");
      await this.route(req.method ?? "GET", url, req, res);
    } catch (error) {
      if (error instanceof AgentHttpError) {
        sendJson(res, error.status, { error: { code: error.code, message: error.message } });
      } else {
        sendJson(res, 500, { error: { code: "internal", message: "pod agent failed; see its log" } });
        console.error("pod agent:", error);
      }
    }
  }

  private async route(method: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = url.pathname.replace(/\/+$/, "");
    if (method === "GET" && path === "/capacity") return sendJson(res, 200, this.capacity());
    if (path === "/pods" && method === "GET") {
      const deploymentId = url.searchParams.get("deploymentId");
      const pods = this.snapshot().filter((p) => deploymentId === null || p.deploymentId === deploymentId);
      return sendJson(res, 200, { pods });
    }
    if (path === "/pods" && method === "POST") return sendJson(res, 201, await this.create(req));
    const match = /^\/pods\/([^/]+)$/.exec(path);
    const pod = match?.[1] === undefined ? undefined : this.pods.get(decodeURIComponent(match[1]));
    if (match && pod === undefined) throw new AgentHttpError(404, "not_found", "no such pod");
    if (pod && method === "GET") return sendJson(res, 200, pod.toJson());
    if (pod && method === "DELETE") {
      await pod.stop(this.graceMs);
      this.pods.delete(pod.id);
      return sendJson(res, 204, null);
    }
    throw new AgentHttpError(404, "not_found", `no route ${method} ${path}`);
  }

  private capacity(): AgentCapacity {
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

  private async create(req: IncomingMessage): Promise<AgentPod> {
    if (this.closing) throw new AgentHttpError(503, "shutting_down", "the pod agent is stopping");
    const body = await readJsonBody(req);
    if (!body.ok) throw new AgentHttpError(400, "invalid_request", `request body: ${body.reason}`);
    const parsed = AgentCreatePodRequest.safeParse(body.value);
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
