// Before the scaler terminates a pod whose worker it gave up on (never registered, went silent,
// never shut down), it copies the pod's last container output into the worker's log, so the
// reason survives the pod: the boot script's own lines (which it also posts itself, when the
// image has a tool to post with), an image whose entrypoint failed, a worker that crashed.
import { asService } from "../_shared/db/session.ts";
import type { MarkLostAction } from "../_shared/scaling/index.ts";
import type { TickDeps } from "./tick-deps.ts";

/** Lines of container output kept per lost pod (RunPod serves up to 5,000). */
export const KEPT_LINES = 200;

/** Best effort: never stands between the scaler and terminating the pod (returns lines kept). */
export async function keepContainerLog(deps: TickDeps, action: MarkLostAction): Promise<number> {
  try {
    return await copyContainerLog(deps, action);
  } catch (error) {
    deps.log?.(`could not keep the container log of pod ${action.podId}: ${String(error)}`);
    return 0;
  }
}

async function copyContainerLog(deps: TickDeps, action: MarkLostAction): Promise<number> {
  if (action.podId === null) return 0;
  const provider = await deps.fleet.forOrganization(action.organizationId);
  if (!provider?.containerLog) return 0;
  let lines: string[];
  try {
    lines = await provider.containerLog(action.podId, KEPT_LINES);
  } catch (error) {
    lines = [
      `(the pod's container log could not be read: ${error instanceof Error ? error.message : String(error)})`,
    ];
  }
  const header = `scaler: gave up on pod ${action.podId} (${action.reason}); its last ${lines.length} lines of container output follow`;
  const rows = [header, ...lines].map((line) => line.slice(0, 2000));
  await asService(
    deps.sql,
    (tx) => tx`insert into public.worker_logs (worker_id, organization_id, source, line)
      select ${action.workerId}, ${action.organizationId}, 'provider', l
      from unnest(${rows}::text[]) with ordinality as t(l, n) order by n`,
  );
  return lines.length;
}
