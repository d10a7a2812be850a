// One local "pod": a worker process group and what became of it.
//   running ──(worker exits by itself)──▶ exited     (exit code kept; leftovers in its group killed)
//   running ──(stop: SIGTERM, grace, SIGKILL)──▶ terminated
//   (spawn fails) ──▶ error
import type {
  AgentCreatePodRequest,
  AgentPod,
  AgentPodStatus,
} from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { signalGroup, type WorkerSpawner } from "./worker-process.ts";

export class LocalPod {
  status: AgentPodStatus = "running";
  pid: number | null = null;
  exitCode: number | null = null;
  signal: string | null = null;
  error: string | null = null;
  private stopping = false;
  private finished = false;
  private readonly createdAt = new Date().toISOString();
  private readonly exited: Promise<void>;
  private markExited!: () => void;

  private constructor(
    readonly id: string,
    private readonly request: AgentCreatePodRequest,
    private readonly gpuIndices: number[],
  ) {
    this.exited = new Promise((resolve) => {
      this.markExited = resolve;
    });
  }

  static start(
    id: string,
    request: AgentCreatePodRequest,
    gpuIndices: number[],
    spawn: WorkerSpawner,
  ): LocalPod {
    const pod = new LocalPod(id, request, gpuIndices);
    const env = {
      ...request.env,
      OW_POD_ID: id,
      // Each worker sees only the GPUs it was given; a CPU pod sees none.
      CUDA_VISIBLE_DEVICES: gpuIndices.join(","),
    };
    try {
      const child = spawn({
        podId: id,
        name: request.name,
        workerId: request.workerId,
        deploymentId: request.deploymentId,
        image: request.image,
        env,
        gpuIndices,
      });
      pod.pid = child.pid ?? null;
      child.once("exit", (code, signal) => pod.onExit(code, signal));
      child.once("error", (error) => pod.onSpawnError(error));
    } catch (error) {
      pod.onSpawnError(error instanceof Error ? error : new Error(String(error)));
    }
    return pod;
  }

  /** GPUs stay held until the worker is really gone. */
  heldGpuIndices(): number[] {
    return this.finished ? [] : this.gpuIndices;
  }

  toJson(): AgentPod {
    return {
      id: this.id,
      name: this.request.name,
      workerId: this.request.workerId,
      deploymentId: this.request.deploymentId,
      image: this.request.image,
      status: this.status,
      pid: this.pid,
      exitCode: this.exitCode,
      signal: this.signal,
      error: this.error,
      gpuTypeId: this.request.gpuTypeId,
      gpuCount: this.request.gpuCount,
      gpuIndices: this.gpuIndices,
      createdAt: this.createdAt,
    };
  }

  /** SIGTERM the whole group, SIGKILL after `graceMs`; resolves once the worker has exited. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.finished || this.pid === null) {
      this.status = this.status === "error" ? "error" : "terminated";
      return;
    }
    signalGroup(this.pid, "SIGTERM", true);
    if (!(await this.waitForExit(graceMs))) {
      signalGroup(this.pid, "SIGKILL", true);
      // SIGKILL cannot be refused; the bound only guards against a spawner that never reports exit.
      await this.waitForExit(5_000);
    }
  }

  private waitForExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    return Promise.race([this.exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.finished) return;
    this.exitCode = code;
    this.signal = signal;
    this.status = this.stopping ? "terminated" : "exited";
    // The leader is gone; kill whatever it left in its group now, while the group id is still
    // reserved by those members (a pid is not reused while it names a live process group).
    if (this.pid !== null) signalGroup(this.pid, "SIGKILL", false);
    this.finish();
  }

  private onSpawnError(error: Error): void {
    // After a successful spawn, "error" means a failed kill; exit still follows, so ignore it.
    if (this.finished || this.pid !== null) return;
    this.status = "error";
    this.error = error.message;
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.markExited();
  }
}
