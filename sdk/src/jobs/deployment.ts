/**
 * A served model (`ow.api.deploy`): `up()` waits for the job's current run to report `api_ready`,
 * `down()` cancels the job, `openai()` gives an OpenAI client bound to the server. Unlike the
 * original, nothing restarts a job behind the user's back and a failed job fails `up()`.
 */
import { runpodProxyUrl } from "../../../supabase/functions/_shared/providers/public-url.ts";
import { ConflictError, OpenWeightsError, WaitTimeoutError } from "../core/errors.ts";
import type { Event } from "../resources/events.ts";
import { describeWait, type Job } from "../resources/jobs.ts";
import type { Run } from "../resources/runs.ts";
import type { BuiltInContext } from "./context.ts";
import { type OpenAIClientLike, type OpenAIImporter, openAIClient } from "./openai-client.ts";

export interface UpOptions {
  /** Give up after this many ms (default 1 h: large models take a while to download). */
  timeout?: number;
  /** Poll interval in ms (default 5000). */
  pollInterval?: number;
  /** Called after every poll with the job (its status and waiting_reason say why it is not up yet). */
  onProgress?: (job: Job) => void;
  signal?: AbortSignal;
}

export { runpodProxyUrl };

export class DeploymentFailedError extends OpenWeightsError {
  override name = "DeploymentFailedError";
}

export class ApiDeployment {
  baseURL: string | undefined;
  apiKey: string | undefined;
  /** The `api_ready` event's data once up. */
  ready: Record<string, unknown> | undefined;

  constructor(
    readonly job: Job,
    private readonly ctx: BuiltInContext,
    private readonly importer?: OpenAIImporter,
    /** Told when `down()` stops this deployment (the Api remembers it for chat). */
    private readonly onDown?: (deployment: ApiDeployment) => void,
  ) {
    const key = job.params.api_key;
    this.apiKey = typeof key === "string" ? key : undefined;
  }

  get id(): string {
    return this.job.id;
  }

  get model(): string {
    return String(this.job.params.model);
  }

  async up(options: UpOptions = {}): Promise<this> {
    const clock = this.ctx.clock;
    const started = clock.now();
    const timeout = options.timeout ?? 3600_000;
    const interval = options.pollInterval ?? 5000;
    for (;;) {
      const job = await this.ctx.jobs.retrieve(this.id, { signal: options.signal });
      if (["completed", "failed", "canceled"].includes(job.status))
        throw new DeploymentFailedError(
          `deployment ${this.id} is ${job.status}${job.failure_message ? `: ${job.failure_message}` : ""}`,
        );
      if (job.status === "in_progress" && (await this.readReady(job, options.signal))) return this;
      options.onProgress?.(job);
      // Before, the first pause was compared with the timeout: up({ timeout: 3000 }) with the 5 s
      // interval gave up after one poll (12 ms), saying it had waited 3000 ms.
      const left = timeout - (clock.now() - started);
      if (left <= 0)
        throw new WaitTimeoutError(
          `deployment ${this.id} not ready after ${timeout} ms: ${describeWait(job)}`,
        );
      await clock.sleep(Math.min(interval, left), options.signal);
    }
  }

  /** Cancels the job (a job that already ended is left as it is). */
  async down(): Promise<void> {
    try {
      await this.ctx.jobs.cancel(this.id);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    this.baseURL = undefined;
    this.ready = undefined;
    this.onDown?.(this);
  }

  /** An `openai` client for this server (call `up()` first). */
  async openai(extra?: Record<string, unknown>): Promise<OpenAIClientLike> {
    if (!this.baseURL || !this.apiKey)
      throw new OpenWeightsError(`deployment ${this.id} is not up yet: await deployment.up() first`);
    return openAIClient({
      baseURL: this.baseURL,
      apiKey: this.apiKey,
      fetch: this.ctx.fetch,
      importer: this.importer,
      extra,
    });
  }

  /** Looks for `api_ready` in the job's current run; fills baseURL/apiKey when found. */
  private async readReady(job: Job, signal?: AbortSignal): Promise<boolean> {
    const run = latestRun(await this.ctx.runs.list(job.id, { signal }));
    if (run?.status !== "in_progress") return false;
    const page = await this.ctx.events.list(job.id, { run_id: run.id, type: "api_ready" }, { signal });
    const event: Event | undefined = page.data.at(-1);
    if (!event) return false;
    const data = event.data;
    const port = typeof data.port === "number" ? data.port : 8000;
    this.baseURL = typeof data.base_url === "string" ? data.base_url : await this.podUrl(run, port, signal);
    this.apiKey ??= typeof data.api_key === "string" ? data.api_key : undefined;
    if (!this.apiKey)
      throw new DeploymentFailedError(
        `deployment ${this.id} reported no API key (${String(data.api_key_source)}): deploy with { api_key }`,
      );
    this.ready = data;
    return true;
  }

  private async podUrl(run: Run, port: number, signal?: AbortSignal): Promise<string> {
    for await (const worker of this.ctx.workers.list({}, { signal }))
      if (worker.id === run.worker_id && worker.pod_id) return runpodProxyUrl(worker.pod_id, port);
    throw new DeploymentFailedError(
      `deployment ${this.id}: api_ready has no base_url and the worker has no pod id`,
    );
  }
}

function latestRun(runs: Run[]): Run | undefined {
  return runs.reduce<Run | undefined>((best, r) => (!best || r.attempt > best.attempt ? r : best), undefined);
}
