// Applies planned actions through the provider and records each one in scaling_actions. This is
// the provider driver only: every write to a worker's life is a SQL function (worker-life.ts).
// Creating a worker: its row and its own worker token (one SQL call), the pod with only that token
// and the api URL in its env, then the pod id. A provider refusal moves the GPU up the cooldown
// ladder (or pauses the organization on a spending limit) and the next fallback is tried; if none
// works the row is ended and its token revoked.
import { asService, type Sql } from "../_shared/db/session.ts";
import { isProviderError, type Provider } from "../_shared/providers/provider.ts";
import {
  type CreateWorkerAction,
  classifyProvisioningFailure,
  type DeferReason,
  type HardwareChoice,
  type ScalingAction,
  type ScalingSnapshot,
  type UnschedulableReason,
} from "../_shared/scaling/index.ts";
import { keepContainerLog } from "./boot-log.ts";
import { podExtras } from "./pod-spec.ts";
import type { TickDeps } from "./tick-deps.ts";
import {
  createWorkerRow,
  endWorker,
  noteWaiting,
  podCreated,
  recordProvisioningFailure,
  requestShutdown,
} from "./worker-life.ts";

export interface AppliedAction {
  kind: ScalingAction["kind"];
  organizationId: string | null;
  workerId: string | null;
  podId: string | null;
  outcome: "applied" | "failed" | "skipped";
  error?: string;
  detail: Record<string, unknown>;
}

export async function applyActions(
  deps: TickDeps,
  snapshot: ScalingSnapshot,
  actions: ScalingAction[],
  tickId: string,
  now: number,
): Promise<AppliedAction[]> {
  const results: AppliedAction[] = [];
  const blockedOrgs = new Set<string>();
  for (const action of actions) {
    let result: AppliedAction;
    try {
      result = await applyOne(deps, snapshot, action, now, blockedOrgs);
    } catch (error) {
      result = {
        kind: action.kind,
        organizationId: orgOf(action),
        workerId: workerOf(action),
        podId: null,
        outcome: "failed",
        error: String(error instanceof Error ? error.message : error),
        detail: {},
      };
    }
    results.push(result);
  }
  await audit(deps.sql, tickId, results);
  return results;
}

async function applyOne(
  deps: TickDeps,
  snapshot: ScalingSnapshot,
  action: ScalingAction,
  now: number,
  blockedOrgs: Set<string>,
): Promise<AppliedAction> {
  const base = {
    kind: action.kind,
    organizationId: orgOf(action),
    workerId: workerOf(action),
    podId: null as string | null,
    detail: {} as Record<string, unknown>,
  };
  switch (action.kind) {
    case "create_worker":
      if (blockedOrgs.has(action.organizationId))
        return { ...base, outcome: "skipped", error: "provisioning stopped for this organization this tick" };
      return createWorker(deps, action, now, blockedOrgs);
    case "shutdown_worker": {
      const worker = snapshot.workers.find((w) => w.id === action.workerId);
      // Fenced like every write after a claim: only a worker that still runs nothing is told to
      // go (it may have claimed a job since the snapshot), and only then may its pod be killed.
      const told = await requestShutdown(deps.sql, action.workerId, `scaler: ${action.reason}`);
      const podId = worker?.podId ?? null;
      if (!told)
        return {
          ...base,
          podId,
          outcome: "skipped",
          error: "the worker is busy again",
          detail: { reason: action.reason },
        };
      if (action.terminateNow && podId) {
        await terminate(deps, action.organizationId, podId);
        await endWorker(deps.sql, action.workerId, "terminated", `scaler: ${action.reason}`);
      }
      return {
        ...base,
        podId,
        outcome: "applied",
        detail: { reason: action.reason, terminateNow: action.terminateNow },
      };
    }
    case "mark_lost":
      if (action.podId) {
        await keepContainerLog(deps, action);
        await terminate(deps, action.organizationId, action.podId);
      }
      await endWorker(deps.sql, action.workerId, "lost", `scaler: ${action.reason}`);
      if (action.cooldownGpu)
        await recordProvisioningFailure(
          deps.sql,
          deps.config,
          action.organizationId,
          action.cooldownGpu,
          "startup_timeout",
          "the worker never came up",
          now,
        );
      return { ...base, podId: action.podId, outcome: "applied", detail: { reason: action.reason } };
    case "terminate_pod": {
      const org = snapshot.workers.find((w) => w.id === action.workerId)?.organizationId ?? "";
      await terminate(deps, org, action.podId);
      return { ...base, podId: action.podId, outcome: "applied", detail: { reason: action.reason } };
    }
    case "update_keep_warm":
      await asService(
        deps.sql,
        (tx) =>
          tx`select internal.save_keep_warm(${action.organizationId}::uuid, ${action.image}, ${[...action.gapsSeconds]}::float8[], ${action.lastArrivalAt}::float8)`,
      );
      return {
        ...base,
        outcome: "applied",
        detail: { image: action.image, gaps: action.gapsSeconds.length },
      };
    case "deferred":
    case "unschedulable":
      await noteWaiting(deps.sql, action.jobIds, WAITING_TEXT[action.reason]);
      return {
        ...base,
        outcome: "applied",
        detail: { reason: action.reason, image: action.image, jobIds: action.jobIds.slice(0, 50) },
      };
  }
}

async function createWorker(
  deps: TickDeps,
  action: CreateWorkerAction,
  now: number,
  blockedOrgs: Set<string>,
): Promise<AppliedAction> {
  const provider = await deps.fleet.forOrganization(action.organizationId);
  const workerId = `w-${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const base = {
    kind: action.kind,
    organizationId: action.organizationId,
    workerId,
    podId: null as string | null,
  };
  if (!provider)
    return {
      ...base,
      outcome: "skipped",
      error: "no RUNPOD_API_KEY secret for this organization",
      detail: {},
    };
  const token = await createWorkerRow(deps.sql, workerId, action, action.hardware);
  const { bootEnv, ...layout } = await podExtras(deps, action);
  const errors: string[] = [];
  for (const choice of [action.hardware, ...action.fallbacks]) {
    try {
      const pod = await provider.create({
        workerId,
        deploymentId: deps.deploymentId,
        name: workerId,
        image: action.image,
        gpuTypeId: choice.gpu === "CPU" ? null : choice.runpodGpuTypeId,
        gpuCount: choice.gpu === "CPU" ? 0 : choice.count,
        ...layout,
        env: {
          ...bootEnv,
          OPENWEIGHTS_API_URL: deps.workerApiUrl,
          OPENWEIGHTS_WORKER_TOKEN: token,
          OW_WORKER_ID: workerId,
          OW_WORKER_IMAGE: action.image,
        },
      });
      await podCreated(deps.sql, workerId, pod.podId, choice);
      await noteWaiting(deps.sql, action.jobIds, startingText(action, choice));
      return {
        ...base,
        podId: pod.podId,
        outcome: "applied",
        detail: {
          hardware: choice.hardwareType,
          jobIds: action.jobIds.slice(0, 50),
          reason: action.reason,
          tried: errors,
        },
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${choice.hardwareType}: ${message}`);
      const kind = classifyProvisioningFailure({
        status: isProviderError(error) ? (error.status ?? undefined) : undefined,
        message: isProviderError(error) && error.kind === "no_capacity" ? `no capacity: ${message}` : message,
      });
      await recordProvisioningFailure(
        deps.sql,
        deps.config,
        action.organizationId,
        choice.gpu,
        kind,
        message,
        now,
      );
      if (kind === "spending_limit" || kind === "rate_limited") {
        blockedOrgs.add(action.organizationId);
        break;
      }
    }
  }
  await endWorker(deps.sql, workerId, "terminated", `could not start: ${errors.join("; ")}`.slice(0, 2000));
  return {
    ...base,
    outcome: "failed",
    error: errors.join("; "),
    detail: { jobIds: action.jobIds.slice(0, 50) },
  };
}

/**
 * `waiting_reason` while its worker boots: which hardware and why (the policy's expected cost per
 * job); when the provider refused the first choice, which one was taken instead.
 */
export function startingText(action: CreateWorkerAction, choice: HardwareChoice): string {
  const text =
    choice.hardwareType === action.hardware.hardwareType
      ? `starting: a worker (${choice.hardwareType}) is being started for it — ${action.reason}`
      : `starting: a worker (${choice.hardwareType}) is being started for it; the planned ${action.hardware.hardwareType} had no capacity (${action.reason})`;
  return text.slice(0, 500); // the waiting_note domain allows 500
}

/** What a waiting job's owner reads in `waiting_reason`, per scaler diagnostic. */
const WAITING_TEXT: Record<DeferReason | UnschedulableReason, string> = {
  max_workers: "waiting: the organization is at its maximum number of workers",
  hourly_budget: "waiting: the organization's hourly budget is in use",
  daily_budget: "waiting: the organization's daily budget is spent",
  provisioning_paused: "waiting: provisioning is paused after a spending-limit error from the provider",
  hardware_cooling_down: "waiting: the hardware it fits is cooling down after failed starts",
  create_cap: "waiting: other workers are being started first",
  no_hardware_fits: "cannot run: no hardware the scaler may rent fits its VRAM or allowed_hardware",
  unknown_hardware: "cannot run: allowed_hardware names hardware the catalog does not know",
  exceeds_budget: "cannot run: the cheapest hardware that fits exceeds the organization's budget",
};

async function terminate(deps: TickDeps, organizationId: string, podId: string): Promise<void> {
  const provider: Provider | null = await deps.fleet.forOrganization(organizationId);
  if (!provider) throw new Error("no provider credentials to terminate the pod");
  await provider.terminate(podId);
}

async function audit(sql: Sql, tickId: string, all: AppliedAction[]): Promise<void> {
  // Learned keep-warm updates are the scaler's bookkeeping (their result is the row itself).
  const results = all.filter((r) => r.kind !== "update_keep_warm" || r.outcome !== "applied");
  if (results.length === 0) return;
  const rows = results.map((r) => ({
    organization_id: r.organizationId,
    kind: r.kind,
    worker_id: r.workerId,
    pod_id: r.podId,
    detail: r.detail,
    outcome: r.outcome,
    error: r.error?.slice(0, 2000) ?? null,
  }));
  await asService(
    sql,
    (
      tx,
    ) => tx`insert into public.scaling_actions (organization_id, tick_id, kind, worker_id, pod_id, detail, outcome, error)
    select x.organization_id, ${tickId}::uuid, x.kind, x.worker_id, x.pod_id, coalesce(x.detail, '{}'), x.outcome, x.error
    from jsonb_to_recordset(${tx.json(rows as never)}) as x(organization_id uuid, kind text, worker_id text, pod_id text, detail jsonb, outcome text, error text)
    -- Diagnostics (deferred, unschedulable) repeat every tick while a job waits: one row per
    -- organization and reason every 10 minutes is enough.
    where x.kind not in ('deferred', 'unschedulable') or not exists (
      select from public.scaling_actions s
      where s.kind = x.kind and s.organization_id = x.organization_id and s.detail ->> 'reason' = x.detail ->> 'reason'
        and s.created_at > now() - interval '10 minutes')`,
  );
}

function orgOf(action: ScalingAction): string | null {
  return "organizationId" in action ? action.organizationId : null;
}

function workerOf(action: ScalingAction): string | null {
  return "workerId" in action ? action.workerId : null;
}
