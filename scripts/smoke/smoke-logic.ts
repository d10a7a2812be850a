// The live RunPod smoke test, as functions of its two clients so it runs against the fake too:
// submit the tiniest job on `python:3.12-slim` to a deployment, let the deployment's scaler rent
// the cheapest pod that fits it (no VRAM need: the smallest GPU in the catalog), wait for the job
// to finish through the deployed functions, and — whatever happened — terminate every pod of the
// deployment's tag. Cleanup is by tag, so it is idempotent and also catches a pod created after
// a failure; that is also why the smoke refuses a deployment that already has pods (run it on a
// deployment of its own, e.g. OW_DEPLOYMENT_ID=smoke).
import type { OpenWeights } from "../../sdk/src/index.ts";
import type { Provider } from "../../supabase/functions/_shared/providers/provider.ts";

export interface SmokeDeps {
  /** The deployed functions (OPENWEIGHTS_API_URL + an admin token of the smoke's organization). */
  ow: OpenWeights;
  /** RunPod, with the deployment id the scaler tags pods with. */
  runpod: Provider;
  log: (line: string) => void;
  timeoutMs: number;
  pollMs: number;
  /** Makes the job new on every run (jobs are content-addressed). */
  runId: string;
}

export interface SmokeResult {
  ok: boolean;
  jobId: string | null;
  detail: string;
  /** Pods terminated at cleanup. */
  terminated: string[];
}

export const SMOKE_IMAGE = "python:3.12-slim";
const MARKER = "openweights smoke: ok";

export async function runSmoke(deps: SmokeDeps): Promise<SmokeResult> {
  const existing = await deps.runpod.list();
  if (existing.length > 0) {
    return {
      ok: false,
      jobId: null,
      terminated: [],
      detail: `the deployment already has ${existing.length} pod(s); the smoke terminates every pod of its deployment, so run it on a dedicated one (or run with --cleanup)`,
    };
  }
  let jobId: string | null = null;
  let outcome: Omit<SmokeResult, "terminated"> = { ok: false, jobId, detail: "not started" };
  try {
    const submitted = await deps.ow.jobs.create({
      type: "custom",
      image: SMOKE_IMAGE,
      entrypoint: ["python3", "-c", `print(${JSON.stringify(MARKER)})`],
      params: { smoke: deps.runId },
      requires_vram_gb: 0,
      timeout_seconds: 900,
      max_attempts: 1,
    });
    jobId = submitted.id;
    deps.log(`submitted ${jobId}; the deployment's scaler rents the cheapest pod that fits`);
    outcome = { ...(await waitForJob(deps, jobId)), jobId };
  } catch (error) {
    outcome = {
      ok: false,
      jobId,
      detail: `smoke failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    if (jobId !== null) await deps.ow.jobs.cancel(jobId).catch(() => undefined);
  }
  const terminated = await cleanupByTag(deps.runpod, deps.log);
  return { ...outcome, terminated };
}

async function waitForJob(
  deps: SmokeDeps,
  jobId: string,
): Promise<Omit<SmokeResult, "terminated" | "jobId">> {
  const deadline = Date.now() + deps.timeoutMs;
  let said = "";
  for (;;) {
    const job = await deps.ow.jobs.retrieve(jobId);
    const now = `${job.status}${job.waiting_reason ? ` (${job.waiting_reason})` : ""}`;
    if (now !== said) deps.log(`job ${now}`);
    said = now;
    if (job.status === "completed") {
      const page = await deps.ow.logs.read(jobId);
      const printed = page.chunks.some((c) => c.lines.includes(MARKER));
      return printed
        ? { ok: true, detail: "the job ran on a RunPod pod and printed its marker" }
        : { ok: false, detail: "the job completed but its log lacks the marker" };
    }
    if (job.status === "failed" || job.status === "canceled") {
      return {
        ok: false,
        detail: `the job ${job.status}: ${job.failure_kind ?? ""} ${job.failure_message ?? ""}`.trim(),
      };
    }
    if (Date.now() > deadline) {
      await logWorkers(deps);
      return {
        ok: false,
        detail: `the job was still ${job.status} after ${Math.round(deps.timeoutMs / 1000)} s`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs));
  }
}

/** On a timeout: what the deployment's workers said (boot log, GPU health, crash). */
async function logWorkers(deps: SmokeDeps): Promise<void> {
  for await (const worker of deps.ow.workers.list({ limit: 20 })) {
    const page = await deps.ow.workers.logs(worker.id).catch(() => null);
    deps.log(`worker ${worker.id} (${worker.status}, pod ${worker.pod_id ?? "-"}):`);
    for (const line of page?.data ?? []) deps.log(`  [${line.source}] ${line.line}`);
  }
}

/** Terminates every pod carrying the deployment's tag; safe to run any number of times. */
export async function cleanupByTag(runpod: Provider, log: (line: string) => void): Promise<string[]> {
  const pods = await runpod.list();
  for (const pod of pods) {
    await runpod.terminate(pod.podId);
    log(`terminated pod ${pod.podId} (${pod.name})`);
  }
  return pods.map((p) => p.podId);
}
