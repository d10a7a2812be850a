/**
 * `ow.api`: OpenAI-compatible serving (`python3 serve/serve.py`, vLLM). `create` submits the job;
 * `deploy` submits it and returns an ApiDeployment handle. The server always requires a key: by
 * default the job generates one and reports it in its `api_ready` event, so the request stays
 * deterministic and deploying the same model twice reuses the running job.
 */
import type { z } from "zod";
import {
  type ApiParams,
  apiParams,
  apiVramGuess,
  DEFAULT_API_TIMEOUT_SECONDS,
  DEPLOY_DEFAULTS,
} from "../../../supabase/functions/_shared/jobs/api-params.ts";
import type { Job } from "../resources/jobs.ts";
import type { BuiltInContext } from "./context.ts";
import { ApiDeployment } from "./deployment.ts";
import { type BuiltInCreateOptions, BuiltInFamily } from "./family.ts";
import type { OpenAIImporter } from "./openai-client.ts";

export {
  DEFAULT_API_TIMEOUT_SECONDS,
  DEPLOY_DEFAULTS,
} from "../../../supabase/functions/_shared/jobs/api-params.ts";

export type DeployParams = Omit<ApiParams, "model">;

export class Api extends BuiltInFamily<typeof apiParams> {
  /** Injected in tests; defaults to importing the `openai` package. */
  openaiImporter: OpenAIImporter | undefined;
  /** model → job id of deployments this client stopped with `down()`; `deploy()` forgets one. */
  private readonly stopped = new Map<string, string>();

  constructor(ctx: BuiltInContext) {
    super(
      {
        type: "api",
        schema: apiParams,
        image: "vllm",
        entrypoint: ["python3", "serve/serve.py"],
        vramGuess: (p: z.output<typeof apiParams>) => apiVramGuess(p),
        timeoutSeconds: DEFAULT_API_TIMEOUT_SECONDS,
      },
      ctx,
    );
  }

  /** Submits (or finds the running) serving job for `model`; call `up()` on the handle to wait for it. */
  async deploy(
    model: string,
    params: DeployParams = {},
    options: BuiltInCreateOptions = {},
  ): Promise<ApiDeployment> {
    this.stopped.delete(model);
    const job = await this.create({ ...DEPLOY_DEFAULTS, ...params, model }, options);
    return this.handle(job);
  }

  /** A handle for an existing serving job. */
  async attach(jobId: string): Promise<ApiDeployment> {
    return this.handle(await this.ctx.jobs.retrieve(jobId));
  }

  /**
   * The job id of `model`'s deployment if this client stopped it with `down()` and has not
   * deployed it since. Chat reads this so that it never restarts what the user stopped: the
   * same model deploys to the same job id, and submitting it again would reset it to pending.
   */
  stoppedDeployment(model: string): string | undefined {
    return this.stopped.get(model);
  }

  private handle(job: Job): ApiDeployment {
    return new ApiDeployment(job, this.ctx, this.openaiImporter, (d) => this.stopped.set(d.model, d.id));
  }
}
