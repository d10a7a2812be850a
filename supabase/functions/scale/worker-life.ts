// The scaler's writes to a worker's life, each one SQL function (migration 20261204021000, pgTAP
// supabase/tests/worker_life.sql): these wrappers only name the arguments. The rules — the shutdown
// fence, tokens revoked when a worker ends, the cooldown ladder — live in the database.
import { asService, type Sql } from "../_shared/db/session.ts";
import type {
  CreateWorkerAction,
  HardwareChoice,
  FailureKind as ProvisioningFailureKind,
  ScalingConfig,
} from "../_shared/scaling/index.ts";

/** Inserts the worker row (status starting) and mints its worker token; returns the token. */
export async function createWorkerRow(
  sql: Sql,
  workerId: string,
  action: CreateWorkerAction,
  choice: HardwareChoice,
): Promise<string> {
  const [row] = await asService(
    sql,
    (tx) => tx<
      { token: string }[]
    >`select internal.create_scaled_worker(${workerId}, ${action.organizationId}::uuid,
      ${action.provider}::public.provider_name, ${action.image}, ${choice.hardwareType}, ${choice.runpodGpuTypeId},
      ${choice.count}, ${choice.vramGb}, ${choice.costPerHour}) as token`,
  );
  if (!row?.token) throw new Error(`no token was minted for ${workerId}`);
  return row.token;
}

/** The pod exists: remember it and the hardware it got; that GPU's cooldown ladder resets. */
export async function podCreated(
  sql: Sql,
  workerId: string,
  podId: string,
  choice: HardwareChoice,
): Promise<void> {
  await asService(
    sql,
    (
      tx,
    ) => tx`select internal.worker_pod_created(${workerId}, ${podId}, ${choice.gpu}, ${choice.hardwareType},
      ${choice.runpodGpuTypeId}, ${choice.count}, ${choice.costPerHour})`,
  );
}

/** The shutdown fence: true when the worker was told to leave, false when it is busy again or gone. */
export async function requestShutdown(sql: Sql, workerId: string, reason: string): Promise<boolean> {
  const [row] = await asService(
    sql,
    (tx) => tx<{ told: boolean }[]>`select internal.request_worker_shutdown(${workerId}, ${reason}) as told`,
  );
  return row?.told === true;
}

/** Ends the worker row and revokes its tokens; its in-progress runs are left to the lease reaper. */
export async function endWorker(
  sql: Sql,
  workerId: string,
  status: "terminated" | "lost",
  reason: string,
): Promise<void> {
  await asService(
    sql,
    (tx) => tx`select internal.end_worker(${workerId}, ${status}::public.worker_status, ${reason})`,
  );
}

/** One more failed start of `gpu` for the organization: the ladder (or the spending-limit pause) in SQL. */
export async function recordProvisioningFailure(
  sql: Sql,
  config: Pick<
    ScalingConfig,
    "cooldownLadderSeconds" | "cooldownFailureThreshold" | "spendingLimitPauseSeconds"
  >,
  org: string,
  gpu: string,
  kind: ProvisioningFailureKind,
  message: string,
  now: number,
): Promise<void> {
  await asService(
    sql,
    (tx) => tx`select * from internal.record_provisioning_failure(${org}::uuid, ${gpu}, ${kind}, ${message},
      to_timestamp(${now / 1000}), ${[...config.cooldownLadderSeconds]}::float8[], ${config.cooldownFailureThreshold},
      ${config.spendingLimitPauseSeconds})`,
  );
}

/** Tells the owners of these pending jobs why they wait (written only when the text changes). */
export async function noteWaiting(sql: Sql, jobIds: readonly string[], text: string): Promise<void> {
  if (jobIds.length === 0) return;
  await asService(sql, (tx) => tx`select internal.note_waiting(${[...jobIds]}::text[], ${text})`);
}
