// chat.completions.create: routed to the organization's running deployment of `model` (an `api`
// job serving vLLM's OpenAI-compatible server), streamed or not, with the deployment's own key.
// With none running: a 503 with retry-after while one starts (the client retries 503 on its own),
// after submitting one when the organization allows on-demand serving; otherwise a 404 naming model.

import { JobSubmission } from "../../_shared/contract/jobs.ts";
import { ChatCompletion, type ChatCompletionRequest } from "../../_shared/contract/openai/chat.ts";
import { OpenAIRoutes } from "../../_shared/contract/routes/openai.ts";
import { callerOrg } from "../../_shared/db/caller-org.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { needsScaler, submitJob } from "../../_shared/db/submit-job.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import {
  apiParams,
  apiVramGuess,
  DEFAULT_API_TIMEOUT_SECONDS,
  DEPLOY_DEFAULTS,
} from "../../_shared/jobs/api-params.ts";
import { builtinScriptMounts } from "../builtin-mounts.ts";
import { asCaller, type OpenAIContext, type OpenAIDeps, route } from "../context.ts";
import { type Deployment, deploymentsOf } from "../deployments.ts";

/** Seconds a client is told to wait for a deployment that is starting. */
const STARTING_RETRY_AFTER_S = 20;

function starting(c: OpenAIContext, model: string, jobId: string): never {
  c.header("retry-after", String(STARTING_RETRY_AFTER_S));
  c.header("x-should-retry", "true");
  throw new ApiError(
    503,
    "service_unavailable",
    `a deployment of ${model} is starting (job ${jobId}); retry shortly`,
    [{ path: "model", message: "starting" }],
  );
}

async function startDeployment(deps: OpenAIDeps, tx: Tx, org: string, model: string): Promise<string> {
  const params = apiParams.parse({ ...DEPLOY_DEFAULTS, model });
  const scripts = await builtinScriptMounts(deps, tx, org);
  const submission = JobSubmission.parse({
    type: "api",
    image: deps.config.images.inference,
    entrypoint: ["python3", "serve/serve.py"],
    params,
    mounts: Object.fromEntries(Object.entries(scripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    requires_vram_gb: apiVramGuess(params),
    timeout_seconds: DEFAULT_API_TIMEOUT_SECONDS,
    secrets: ["HF_TOKEN"],
    model,
  });
  const result = await submitJob(tx, submission);
  if (needsScaler(result)) deps.kickScaler?.();
  return String(result.job.id);
}

/** The deployment to send this request to, or why there is none. */
async function deploymentFor(
  deps: OpenAIDeps,
  c: OpenAIContext,
  model: string,
): Promise<NonNullable<Deployment["endpoint"]>> {
  const found = await asCaller(deps, c, async (tx) => {
    const org = await callerOrg(tx);
    const mine = (await deploymentsOf(tx, org)).filter((d) => d.models.includes(model));
    const ready = mine.find((d) => d.endpoint);
    if (ready?.endpoint) return { endpoint: ready.endpoint };
    if (mine[0]) return { startingJob: mine[0].jobId };
    const [limits] =
      await tx`select on_demand_serving from public.organization_limits where organization_id = ${org}`;
    if (!limits?.on_demand_serving) return {};
    return { startingJob: await startDeployment(deps, tx, org, model) };
  });
  if ("endpoint" in found && found.endpoint) return found.endpoint;
  if ("startingJob" in found && found.startingJob) starting(c, model, found.startingJob);
  throw new ApiError(
    404,
    "not_found",
    `no running deployment of ${model} in this organization: deploy it (ow.api.deploy) or let an admin turn on on-demand serving (organization_limits.on_demand_serving)`,
    [{ path: "model", message: "not deployed" }],
  );
}

async function forward(deps: OpenAIDeps, c: OpenAIContext, body: ChatCompletionRequest): Promise<Response> {
  const endpoint = await deploymentFor(deps, c, body.model);
  let upstream: Response;
  try {
    upstream = await (deps.fetch ?? fetch)(`${endpoint.baseURL}/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${endpoint.apiKey}`,
        "content-type": "application/json",
        accept: body.stream ? "text/event-stream" : "application/json",
      },
      body: JSON.stringify(body),
      signal: c.req.raw.signal,
    });
  } catch {
    throw new ApiError(
      503,
      "service_unavailable",
      `the deployment of ${body.model} did not answer; retry shortly`,
    );
  }
  const headers = {
    "x-request-id": c.get("requestId"),
    "content-type": upstream.headers.get("content-type") ?? "application/json",
  };
  if (upstream.status >= 500) {
    await upstream.body?.cancel();
    throw new ApiError(
      503,
      "service_unavailable",
      `the deployment of ${body.model} answered ${upstream.status}; retry shortly`,
    );
  }
  // Errors (in OpenAI's envelope: vLLM speaks it) and event streams pass through as they come.
  if (!upstream.ok || body.stream) return new Response(upstream.body, { status: upstream.status, headers });
  const answer = ChatCompletion.safeParse(await upstream.json().catch(() => null));
  if (!answer.success)
    throw new ApiError(
      503,
      "service_unavailable",
      `the deployment of ${body.model} sent an answer that is not a chat completion`,
    );
  return Response.json(answer.data, { headers });
}

export function chatRoutes(deps: OpenAIDeps) {
  return [route(OpenAIRoutes.chatCompletionsCreate, ({ c, body }) => forward(deps, c, body))];
}
