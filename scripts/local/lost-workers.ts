// Worker rows whose processes the local stack knows to be gone are ended `lost` at once, through
// internal.mark_workers_lost (their runs requeued by the normal path), instead of counting against
// max_workers and holding their leases until the scaler's 120 s timeouts:
// - at start, every live worker of a previous stack (its processes did not survive it);
// - when the pod agent is restarted, the workers of the agent that died (the new one ends their
//   processes, see pod-ledger.ts);
// - when the agent reports a worker process exited by itself (a crash, a SIGKILL, the OOM killer).
// A worker that leaves properly has already ended its row (stop_worker), which this never touches.
import type postgres from "postgres";
import type { AgentPod } from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";

type Sql = postgres.Sql;

export interface LostWorker {
  worker_id: string;
  requeued_runs: number;
}

/** Live workers of earlier stacks: pods of a local agent, or rows the scaler made that never came up. */
export function markPreviousStackWorkersLost(sql: Sql): Promise<LostWorker[]> {
  return sql<LostWorker[]>`select * from internal.mark_workers_lost(array(
      select id from public.workers where provider = 'local' and status in ('starting', 'active', 'shutdown')
        and (pod_id like 'local-%' or (status = 'starting' and last_heartbeat_at is null))),
    'the local stack restarted; this worker''s process did not survive it')`;
}

/** Workers on pods of the agent with process id `agentPid` (pod ids are local-<agent pid>-<n>). */
export function markAgentWorkersLost(sql: Sql, agentPid: number): Promise<LostWorker[]> {
  return sql<LostWorker[]>`select * from internal.mark_workers_lost(array(
      select id from public.workers where provider = 'local' and status in ('starting', 'active', 'shutdown')
        and pod_id like ${`local-${agentPid}-%`}),
    'the local pod agent died; its workers were ended')`;
}

/** Every `everyMs`, ends the rows of workers whose process exited without being asked to. */
export function watchWorkerExits(
  pods: () => Promise<AgentPod[]>,
  sql: Sql,
  log: (line: string) => void,
  everyMs = 1000,
): { stop(): void } {
  const handled = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const exited = (await pods()).filter(
        (p) => (p.status === "exited" || p.status === "error") && !handled.has(p.id),
      );
      if (exited.length > 0) {
        const ended = await sql<LostWorker[]>`select * from internal.mark_workers_lost(
            ${exited.map((p) => p.workerId)}::text[], 'its worker process exited without being asked to')`;
        for (const p of exited) handled.add(p.id);
        for (const w of ended)
          log(`worker ${w.worker_id} exited unexpectedly: marked lost, ${w.requeued_runs} run(s) requeued`);
      }
    } catch {
      // The agent or the database is away (a supervisor is restarting it): try again next tick.
    }
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
