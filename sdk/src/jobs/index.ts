/** The built-in job families, attached to the client as `ow.fineTuning`, `ow.inference`, …. */
import { readEnv } from "../core/env.ts";
import { Api } from "./api.ts";
import { Chat } from "./chat.ts";
import {
  type BuiltInContext,
  type BuiltInJobsOptions,
  DEFAULT_IMAGES,
  missingJobScripts,
} from "./context.ts";
import { type InspectAi, inspectAiFamily, type MmluPro, mmluProFamily } from "./evals.ts";
import { type Inference, inferenceFamily } from "./inference.ts";
import { type Logprob, logprobFamily } from "./logprob.ts";
import { type FineTuning, fineTuningFamily, type WeightedSft, weightedSftFamily } from "./training.ts";

export interface BuiltInJobs {
  fineTuning: FineTuning;
  weightedSft: WeightedSft;
  logprob: Logprob;
  inference: Inference;
  api: Api;
  chat: Chat;
  inspectAi: InspectAi;
  mmluPro: MmluPro;
}

export function createBuiltInJobs(
  deps: Omit<BuiltInContext, "images" | "hfOrg" | "jobScripts">,
  options: BuiltInJobsOptions = {},
): BuiltInJobs {
  const ctx: BuiltInContext = {
    ...deps,
    images: { ...DEFAULT_IMAGES, ...options.images },
    hfOrg: options.hfOrg ?? readEnv("HF_ORG") ?? readEnv("HF_USER"),
    jobScripts: options.jobScripts ?? missingJobScripts,
  };
  const api = new Api(ctx);
  return {
    fineTuning: fineTuningFamily(ctx),
    weightedSft: weightedSftFamily(ctx),
    logprob: logprobFamily(ctx),
    inference: inferenceFamily(ctx),
    api,
    chat: new Chat(api),
    inspectAi: inspectAiFamily(ctx),
    mmluPro: mmluProFamily(ctx),
  };
}
