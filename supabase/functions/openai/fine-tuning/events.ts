// A fine-tuning job's events and checkpoints in OpenAI's shapes, assembled from the job's row, its
// runs (lifecycle messages) and the events its runs emitted (`metrics`, `checkpoint`,
// `checkpoint_pushed`, `error`, …, see sdk/job-scripts/training/callbacks.py). Newest first; the
// newest MAX_EVENTS run events are read (a long run can emit tens of thousands of metric lines).
import type {
  FineTuningJobCheckpoint,
  FineTuningJobEvent,
  MetricsData,
} from "../../_shared/contract/openai/fine-tuning.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { unix } from "../context.ts";

const MAX_EVENTS = 10_000;

interface Timed extends FineTuningJobEvent {
  /** Tie-break for events of the same second: later-happening first. */
  order: number;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Our metrics event (HF Trainer logs: `loss`, `eval_loss`, `mean_token_accuracy`, …) → OpenAI's data. */
export function metricsToOpenAI(data: Record<string, unknown>, totalSteps: number | null): MetricsData {
  const evalTag = data.tag === "eval";
  return {
    step: numberOrNull(data.step) ?? 0,
    total_steps: totalSteps,
    train_loss: evalTag ? null : numberOrNull(data.loss ?? data.train_loss),
    train_mean_token_accuracy: evalTag ? null : numberOrNull(data.mean_token_accuracy),
    valid_loss: numberOrNull(data.eval_loss),
    valid_mean_token_accuracy: numberOrNull(data.eval_mean_token_accuracy),
    full_valid_loss: evalTag ? numberOrNull(data.eval_loss) : null,
    full_valid_mean_token_accuracy: evalTag ? numberOrNull(data.eval_mean_token_accuracy) : null,
  };
}

function message(
  id: string,
  at: unknown,
  order: number,
  text: string,
  level: Timed["level"] = "info",
): Timed {
  return {
    id,
    object: "fine_tuning.job.event",
    created_at: unix(at),
    level,
    message: text,
    type: "message",
    data: null,
    order,
  };
}

async function runEvents(tx: Tx, org: string, jobId: string) {
  return tx`select id, type, data, created_at from public.events
    where organization_id = ${org} and job_id = ${jobId} order by id desc limit ${MAX_EVENTS}`;
}

export async function eventsOf(
  tx: Tx,
  org: string,
  job: Record<string, unknown>,
): Promise<FineTuningJobEvent[]> {
  const id = String(job.id);
  const out: Timed[] = [
    message(`ftevent-${id}-created`, job.created_at, 0, `Created fine-tuning job: ${id}`),
  ];
  const runs = await tx`select attempt, status, started_at, finished_at, failure_message from public.runs
    where job_id = ${id} order by attempt`;
  for (const r of runs) {
    out.push(
      message(
        `ftevent-${id}-run${r.attempt}`,
        r.started_at,
        1,
        `Fine-tuning job started (attempt ${r.attempt})`,
      ),
    );
    if (r.finished_at && r.status !== "completed")
      out.push(
        message(
          `ftevent-${id}-run${r.attempt}-end`,
          r.finished_at,
          3,
          `Attempt ${r.attempt} ended: ${r.status}${r.failure_message ? ` (${r.failure_message})` : ""}`,
          "warn",
        ),
      );
  }
  const params = (job.params ?? {}) as Record<string, unknown>;
  const totalSteps = numberOrNull(params.max_steps);
  for (const e of await runEvents(tx, org, id)) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const base = {
      id: `ftevent-${e.id}`,
      object: "fine_tuning.job.event" as const,
      created_at: unix(e.created_at),
      order: 2,
    };
    if (e.type === "metrics") {
      const m = metricsToOpenAI(data, totalSteps);
      const loss = m.train_loss ?? m.full_valid_loss;
      out.push({
        ...base,
        level: "info",
        type: "metrics",
        data: m,
        message: `Step ${m.step}${totalSteps ? `/${totalSteps}` : ""}${loss === null ? "" : `: loss=${loss}`}`,
      });
    } else {
      const level = e.type === "error" ? "error" : e.type === "warning" ? "warn" : "info";
      const text =
        typeof data.message === "string" ? data.message : `${e.type}: ${JSON.stringify(data).slice(0, 500)}`;
      out.push({ ...base, level, type: "message", data, message: text });
    }
  }
  const endings: Record<string, [string, Timed["level"]]> = {
    completed: ["The job has successfully completed", "info"],
    failed: [`The job failed: ${job.failure_message ?? job.failure_kind ?? "unknown error"}`, "error"],
    canceled: ["The job was cancelled", "info"],
  };
  const ending = endings[String(job.status)];
  if (ending && job.finished_at)
    out.push(message(`ftevent-${id}-end`, job.finished_at, 4, ending[0], ending[1]));
  out.sort(
    (a, b) => b.created_at - a.created_at || b.order - a.order || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
  );
  return out.map(({ order: _order, ...event }) => event);
}

/** Checkpoints the runs saved; a pushed one is named by its Hub path (servable as a model). */
export async function checkpointsOf(
  tx: Tx,
  org: string,
  job: Record<string, unknown>,
): Promise<FineTuningJobCheckpoint[]> {
  const id = String(job.id);
  const rows = await tx`select id, type, data, created_at from public.events
    where organization_id = ${org} and job_id = ${id} and type in ('checkpoint', 'checkpoint_pushed', 'metrics')
    order by id limit ${MAX_EVENTS}`;
  const metricsAt = new Map<number, MetricsData>();
  const byStep = new Map<number, FineTuningJobCheckpoint>();
  for (const r of rows) {
    const data = (r.data ?? {}) as Record<string, unknown>;
    const step = numberOrNull(data.step);
    if (step === null) continue;
    if (r.type === "metrics") {
      if (data.tag !== "eval") metricsAt.set(step, metricsToOpenAI(data, null));
      continue;
    }
    const pushed = r.type === "checkpoint_pushed" && typeof data.repo_id === "string";
    const existing = byStep.get(step);
    if (existing && !pushed) continue;
    byStep.set(step, {
      id: `ftckpt_${id}-${step}`,
      object: "fine_tuning.job.checkpoint",
      created_at: existing?.created_at ?? unix(r.created_at),
      fine_tuned_model_checkpoint: pushed
        ? `${data.repo_id}/${data.path_in_repo ?? `checkpoint-${step}`}`
        : `${id}:ckpt-step-${step}`,
      fine_tuning_job_id: id,
      step_number: step,
      metrics: {},
    });
  }
  const out = [...byStep.values()].map((c) => ({
    ...c,
    metrics: metricsAt.get(c.step_number) ?? { step: c.step_number },
  }));
  return out.sort((a, b) => b.step_number - a.step_number);
}
