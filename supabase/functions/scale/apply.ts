// Applies planned actions through the provider and records each one in scaling_actions. Creating
// a worker: insert its row (status starting), mint its own worker token, create the pod with only
// that token and the api URL in its env, then remember the pod id. A provider refusal moves the
// GPU up the cooldown ladder (or pauses the organization on a spending limit) and the next
// fallback is tried; if none works the row is ended and its token revoked.
import { asService, type Sql, type Tx } from "../_shared/db/session.ts";
import { isProviderError, type Provider } from "../_shared/providers/provider.ts";
import {
  type CreateWorkerAction,
  classifyProvisioningFailure,
  type DeferReason,
  type HardwareChoice,
  nextCooldown,
  type ScalingAction,
  type ScalingSnapshot,
  type UnschedulableReason,
} from "../_shared/scaling/index.ts";
import { keepContainerLog } from "./boot-log.ts";
import { podExtras } from "./pod-spec.ts";
import type { TickDeps } from "./tick.ts";

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
      const stopped = await asService(
        deps.sql,
        (
          tx,
        ) => tx`update public.workers set shutdown_requested = true, shutdown_reason = ${`scaler: ${action.reason}`},
          shutdown_requested_at = coalesce(shutdown_requested_at, now()), status = 'shutdown'
        where id = ${action.workerId} and status in ('starting', 'active', 'shutdown')
          and not exists (select from public.runs r where r.worker_id = ${action.workerId} and r.status = 'in_progress')
        returning id`,
      );
      const podId = worker?.podId ?? null;
      if (stopped.length === 0)
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
        await recordFailure(
          deps,
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
  const token = await asService(deps.sql, async (tx) => {
    await insertWorker(tx, workerId, action, action.hardware);
    return String(
      (await tx`select token from internal.mint_worker_token(${action.organizationId}, ${workerId})`)[0]
        ?.token,
    );
  });
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
      await asService(deps.sql, async (tx) => {
        await tx`update public.workers set pod_id = ${pod.podId}, hardware_type = ${choice.hardwareType}, gpu_type = ${choice.runpodGpuTypeId},
          gpu_count = ${choice.count}, cost_per_hour = ${choice.costPerHour} where id = ${workerId}`;
        await tx`delete from public.hardware_cooldowns where organization_id = ${action.organizationId} and gpu = ${choice.gpu}`;
      });
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
      await recordFailure(deps, action.organizationId, choice.gpu, kind, message, now);
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

/** Tells the owners of these pending jobs why they wait (written only when the text changes). */
async function noteWaiting(sql: Sql, jobIds: readonly string[], text: string): Promise<void> {
  if (jobIds.length === 0) return;
  await asService(
    sql,
    (tx) => tx`update public.jobs set waiting_reason = ${text}
    where id = any (${[...jobIds]}::text[]) and status = 'pending' and waiting_reason is distinct from ${text}`,
  );
}

async function insertWorker(
  tx: Tx,
  id: string,
  action: CreateWorkerAction,
  choice: HardwareChoice,
): Promise<void> {
  await tx`insert into public.workers (id, organization_id, status, provider, image, hardware_type, gpu_type, gpu_count, vram_gb, cost_per_hour)
    values (${id}, ${action.organizationId}, 'starting', ${action.provider}, ${action.image}, ${choice.hardwareType}, ${choice.runpodGpuTypeId},
      ${choice.count}, ${choice.vramGb}, ${choice.costPerHour})`;
}

/** Ends a worker row and revokes its tokens; its in-progress runs are left to the lease reaper. */
async function endWorker(
  sql: Sql,
  workerId: string,
  status: "terminated" | "lost",
  reason: string,
): Promise<void> {
  await asService(sql, async (tx) => {
    await tx`update public.workers set status = ${status}, terminated_at = coalesce(terminated_at, now()), shutdown_reason = coalesce(shutdown_reason, ${reason})
      where id = ${workerId} and status not in ('terminated', 'lost')`;
    await tx`update public.api_tokens set revoked_at = now() where worker_id = ${workerId} and revoked_at is null`;
  });
}

async function terminate(deps: TickDeps, organizationId: string, podId: string): Promise<void> {
  const provider: Provider | null = await deps.fleet.forOrganization(organizationId);
  if (!provider) throw new Error("no provider credentials to terminate the pod");
  await provider.terminate(podId);
}

async function recordFailure(
  deps: TickDeps,
  org: string,
  gpu: string,
  kind: ReturnType<typeof classifyProvisioningFailure>,
  message: string,
  now: number,
): Promise<void> {
  await asService(deps.sql, async (tx) => {
    const [row] =
      await tx`select level, failures, internal.epoch_ms(until) as until from public.hardware_cooldowns where organization_id = ${org} and gpu = ${gpu}`;
    const previous = row
      ? {
          level: Number(row.level),
          failures: Number(row.failures),
          until: row.until === null ? null : Number(row.until),
        }
      : null;
    const decision = nextCooldown(previous, kind, now, deps.config);
    if (decision.scope === "organization") {
      await tx`update public.organization_limits set provisioning_paused_until = to_timestamp(${decision.pausedUntil / 1000}) where organization_id = ${org}`;
    } else if (decision.scope === "hardware") {
      const until = decision.until === null ? null : new Date(decision.until);
      await tx`insert into public.hardware_cooldowns (organization_id, gpu, level, failures, until, last_error)
        values (${org}, ${gpu}, ${Math.max(1, decision.level)}, ${decision.failures}, ${until}, ${message.slice(0, 1000)})
        on conflict (organization_id, gpu) do update set level = excluded.level, failures = excluded.failures, until = excluded.until,
          last_error = excluded.last_error, updated_at = now()`;
    }
  });
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
