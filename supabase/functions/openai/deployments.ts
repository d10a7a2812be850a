// The organization's models and serving deployments as the openai function sees them: fine-tuned
// models are completed `fine-tuning` jobs that pushed a Hub repo; deployments are `api` jobs
// (sdk/src/jobs/api.ts) — serving once their current run reported `api_ready` with its URL/key.

import type { Tx } from "../_shared/db/session.ts";
import { runpodProxyUrl } from "../_shared/providers/public-url.ts";

export interface Deployment {
  jobId: string;
  status: "pending" | "in_progress";
  /** The base model and its adapters: each is a `model` clients may ask for. */
  models: string[];
  createdAt: Date;
  /** Set once the current run reported api_ready. */
  endpoint: { baseURL: string; apiKey: string } | null;
}

export interface FineTunedModel {
  id: string;
  jobId: string;
  finishedAt: Date;
}

export async function deploymentsOf(tx: Tx, org: string): Promise<Deployment[]> {
  const rows = await tx`select j.id, j.status, j.params, j.created_at, r.id as run_id, w.pod_id,
      (select e.data from public.events e where e.run_id = r.id and e.type = 'api_ready' order by e.seq desc limit 1) as ready
    from public.jobs j
    left join public.runs r on r.job_id = j.id and r.status = 'in_progress'
    left join public.workers w on w.id = r.worker_id
    where j.organization_id = ${org} and j.type = 'api' and j.status in ('pending', 'in_progress')
    order by j.created_at desc limit 200`;
  return rows.map((r) => {
    const params = (r.params ?? {}) as {
      model?: string;
      lora_adapters?: string[];
      api_key?: string | null;
      port?: number;
    };
    const ready = r.ready as { base_url?: unknown; api_key?: unknown } | null;
    const apiKey = typeof ready?.api_key === "string" ? ready.api_key : params.api_key;
    const baseURL =
      typeof ready?.base_url === "string"
        ? ready.base_url
        : r.pod_id
          ? runpodProxyUrl(String(r.pod_id), params.port ?? 8000)
          : null;
    return {
      jobId: String(r.id),
      status: r.status as Deployment["status"],
      models: [params.model ?? "", ...(params.lora_adapters ?? [])].filter(Boolean),
      createdAt: r.created_at as Date,
      endpoint: ready && baseURL && apiKey ? { baseURL: baseURL.replace(/\/+$/, ""), apiKey } : null,
    };
  });
}

export async function fineTunedModelsOf(tx: Tx, org: string): Promise<FineTunedModel[]> {
  const rows =
    await tx`select id, finished_at, coalesce(outputs ->> 'finetuned_model_id', params ->> 'finetuned_model_id') as model
    from public.jobs where organization_id = ${org} and type = 'fine-tuning' and status = 'completed'
      and coalesce(outputs ->> 'finetuned_model_id', params ->> 'finetuned_model_id') is not null
    order by finished_at desc limit 1000`;
  return rows.map((r) => ({ id: String(r.model), jobId: String(r.id), finishedAt: r.finished_at as Date }));
}
