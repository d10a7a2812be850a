import type { OpenAIModel } from "../../_shared/contract/openai/models.ts";
import { OpenAIRoutes } from "../../_shared/contract/routes/openai.ts";
import { callerOrg } from "../../_shared/db/caller-org.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { asCaller, type OpenAIDeps, route, unix } from "../context.ts";
import { deploymentsOf, fineTunedModelsOf } from "../deployments.ts";

async function modelsOf(tx: Tx, org: string): Promise<OpenAIModel[]> {
  const deployments = await deploymentsOf(tx, org);
  const serving = new Set(deployments.filter((d) => d.endpoint).flatMap((d) => d.models));
  const out = new Map<string, OpenAIModel>();
  for (const m of await fineTunedModelsOf(tx, org))
    if (!out.has(m.id))
      out.set(m.id, {
        id: m.id,
        object: "model",
        created: unix(m.finishedAt),
        owned_by: org,
        openweights: { source: "fine-tuning", job_id: m.jobId, serving: serving.has(m.id) },
      });
  for (const d of deployments)
    for (const id of d.models)
      if (!out.has(id))
        out.set(id, {
          id,
          object: "model",
          created: unix(d.createdAt),
          owned_by: org,
          openweights: { source: "deployment", job_id: d.jobId, serving: d.endpoint !== null },
        });
  return [...out.values()];
}

export function modelRoutes(deps: OpenAIDeps) {
  return [
    route(OpenAIRoutes.modelsList, async ({ c }) => {
      const data = await asCaller(deps, c, async (tx) => modelsOf(tx, await callerOrg(tx)));
      return { object: "list" as const, data };
    }),
    route(OpenAIRoutes.modelsRetrieve, async ({ c, params }) => {
      const models = await asCaller(deps, c, async (tx) => modelsOf(tx, await callerOrg(tx)));
      const found = models.find((m) => m.id === params.model);
      if (!found)
        throw new ApiError(
          404,
          "not_found",
          `no fine-tuned or deployed model ${params.model} in this organization`,
          [{ path: "model", message: "not found" }],
        );
      return found;
    }),
  ];
}
