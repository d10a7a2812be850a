// Which long-lived processes of a local stack the soak measures, found afresh at every sample:
// the stack's own process (pod agent, Realtime stand-in, scaler loop and the soak's driver), the
// functions' Deno process, every worker the pod agent started (the tsx launcher and the worker's
// node process), and every PostgreSQL process (the postmaster and each backend, by its role).
import { readdirSync } from "node:fs";
import type postgres from "postgres";
import type { LocalStack } from "../local/stack.ts";
import { commandLine, type ProcessSample, parentOf, readMemory } from "./memory.ts";

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  return children;
}

function descendantsOf(root: number, children: Map<number, number[]>): number[] {
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

export async function sampleStackProcesses(stack: LocalStack, probe: postgres.Sql): Promise<ProcessSample[]> {
  const wanted: { pid: number; label: string }[] = [
    { pid: process.pid, label: "stack process (supervisor, Realtime stand-in, scaler loop, soak driver)" },
  ];
  const children = childrenByParent();
  const gatewayPid = stack.gateway.child().pid;
  if (gatewayPid !== undefined) {
    wanted.push({ pid: gatewayPid, label: "functions (Deno gateway)" });
    for (const pid of descendantsOf(gatewayPid, children))
      wanted.push({ pid, label: "functions (Deno child)" });
  }
  wanted.push({ pid: stack.agent.pid(), label: "pod agent" });
  for (const pod of await stack.agent.pods()) {
    if (pod.pid === null || pod.status !== "running") continue;
    wanted.push({ pid: pod.pid, label: `worker ${pod.name} (tsx launcher)` });
    // The launcher's child is the worker. Job processes, their orphan guards (and, for a moment
    // between fork and exec, a copy of the worker's command line) live for one job each.
    for (const pid of children.get(pod.pid) ?? [])
      if (commandLine(pid).includes("worker/src/cli.ts")) wanted.push({ pid, label: `worker ${pod.name}` });
  }
  const backends = await probe<{ pid: number; kind: string }[]>`
    select pid, backend_type || coalesce(' ' || usename, '') as kind from pg_stat_activity
    where pid <> pg_backend_pid()`;
  const postmaster = backends.length > 0 ? parentOf(backends[0]!.pid) : null;
  if (postmaster !== null) wanted.push({ pid: postmaster, label: "postgres postmaster" });
  for (const b of backends) wanted.push({ pid: b.pid, label: `postgres ${b.kind}` });
  const samples: ProcessSample[] = [];
  for (const { pid, label } of wanted) {
    const memory = readMemory(pid);
    if (memory) samples.push({ pid, label, ...memory });
  }
  return samples;
}
