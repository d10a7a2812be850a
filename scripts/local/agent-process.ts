// The local stack's pod agent as a child process of its own (scripts/local/pod-agent-main.ts), so
// that it can crash, or be killed, apart from the stack, and be started again by the supervisor on
// the same port (the functions keep its URL). It runs under `node --import tsx` directly: one
// process, so a signal to its pid reaches the agent itself, not a wrapper.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { AgentPod } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";
import { repoRoot } from "../db/migrate.ts";
import { childEnded, type Running } from "./supervisor.ts";

export interface AgentProcessOptions {
  token: string;
  port: number;
  workerCommand: readonly string[];
  workerLogDir: string;
  ledgerFile: string;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface AgentProcess extends Running {
  url: string;
  pid: number;
  pods(): Promise<AgentPod[]>;
}

export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "scripts", "local", "pod-agent-main.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        OW_POD_AGENT_TOKEN: options.token,
        OW_POD_AGENT_PORT: String(options.port),
        OW_WORKER_COMMAND: JSON.stringify(options.workerCommand),
        OW_WORKER_LOG_DIR: options.workerLogDir,
        OW_POD_AGENT_LEDGER: options.ledgerFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const ended = childEnded(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the pod agent did not start:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split("\n")) if (line.trim()) options.log?.(line);
      const match = /pod agent listening: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void ended.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the pod agent ended (${how}) before it listened:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    ended,
    async pods() {
      const res = await fetch(`${url}/pods`, { headers: { authorization: `Bearer ${options.token}` } });
      if (!res.ok) throw new Error(`pod agent answered ${res.status}`);
      return ((await res.json()) as { pods: AgentPod[] }).pods;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The agent stops its workers on SIGTERM (each gets its grace); SIGKILL only if that hangs.
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.kill("SIGTERM");
      await ended;
      clearTimeout(timer);
    },
  };
}
