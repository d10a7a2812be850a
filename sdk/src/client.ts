/**
 * `new OpenWeights({ apiKey, baseURL, maxRetries, timeout, fetch })` — the openai-node shape.
 * Defaults come from OPENWEIGHTS_API_KEY / OPENWEIGHTS_API_URL.
 */
import type { z } from "zod";
import { TokenCredentials } from "./core/auth.ts";
import { type Clock, systemClock } from "./core/clock.ts";
import { readEnv } from "./core/env.ts";
import { OpenWeightsError } from "./core/errors.ts";
import { type FetchLike, HttpClient } from "./core/http.ts";
import { type Platform, portablePlatform } from "./core/platform.ts";
import { type JobDefinition, JobFamily } from "./custom-jobs/register.ts";
import type { Api } from "./jobs/api.ts";
import type { Chat } from "./jobs/chat.ts";
import type { BuiltInJobsOptions } from "./jobs/context.ts";
import type { InspectAi, MmluPro } from "./jobs/evals.ts";
import { createBuiltInJobs } from "./jobs/index.ts";
import type { Inference } from "./jobs/inference.ts";
import type { Logprob } from "./jobs/logprob.ts";
import type { FineTuning, WeightedSft } from "./jobs/training.ts";
import { Events } from "./resources/events.ts";
import { Files } from "./resources/files.ts";
import { Hardware } from "./resources/hardware.ts";
import { Jobs } from "./resources/jobs.ts";
import { Logs } from "./resources/logs.ts";
import { type Me, Organization } from "./resources/organization.ts";
import { Limits, Organizations, Usage } from "./resources/organizations.ts";
import type { CallOptions } from "./resources/resource.ts";
import { Runs } from "./resources/runs.ts";
import { Secrets } from "./resources/secrets.ts";
import { Tokens } from "./resources/tokens.ts";
import { Workers } from "./resources/workers.ts";
import { VERSION } from "./version.ts";

export const DEFAULT_BASE_URL = "http://127.0.0.1:54321/functions/v1";
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface ClientOptions extends BuiltInJobsOptions {
  /** An `ow_…` API token (exchanged for short-lived JWTs) or a JWT. Default: $OPENWEIGHTS_API_KEY. */
  apiKey?: string | undefined;
  /** Functions base URL. Default: $OPENWEIGHTS_API_URL, else the local stack. */
  baseURL?: string | undefined;
  /** Retries for connection errors, timeouts, 408, 429, 5xx and non-business 409s. Default 2. */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms. Default 60 000 (uploads and long-polls get longer ones). */
  timeout?: number | undefined;
  fetch?: FetchLike | undefined;
  /** Transport for streamed uploads; defaults to `fetch`. The Node entry uses node:http (bounded memory). */
  uploadFetch?: FetchLike | undefined;
  /** Injected time (tests): observe retry and poll delays without waiting. */
  clock?: Clock | undefined;
  /** Injected randomness for retry jitter (tests). */
  random?: (() => number) | undefined;
  /** Runtime capabilities; the Node entry point supplies local paths and directory walking. */
  platform?: Platform | undefined;
}

export class OpenWeights {
  readonly http: HttpClient;
  readonly platform: Platform;
  readonly baseURL: string;
  readonly files: Files;
  readonly jobs: Jobs;
  readonly runs: Runs;
  readonly events: Events;
  readonly logs: Logs;
  readonly tokens: Tokens;
  readonly secrets: Secrets;
  readonly workers: Workers;
  readonly organization: Organization;
  readonly organizations: Organizations;
  readonly limits: Limits;
  readonly usage: Usage;
  readonly hardware: Hardware;
  /** Built-in jobs (sdk/src/jobs): SFT/DPO/ORPO, weighted SFT, logprobs, batch inference, serving, evals. */
  readonly fineTuning: FineTuning;
  readonly weightedSft: WeightedSft;
  readonly logprob: Logprob;
  readonly inference: Inference;
  readonly api: Api;
  readonly chat: Chat;
  readonly inspectAi: InspectAi;
  readonly mmluPro: MmluPro;
  private readonly credentials: TokenCredentials;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv("OPENWEIGHTS_API_KEY");
    if (!apiKey) {
      throw new OpenWeightsError(
        "Missing API key: pass { apiKey } or set OPENWEIGHTS_API_KEY (create one with `ow token create`).",
      );
    }
    this.baseURL = (options.baseURL ?? readEnv("OPENWEIGHTS_API_URL") ?? DEFAULT_BASE_URL).replace(
      /\/+$/,
      "",
    );
    const clock = options.clock ?? systemClock;
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const exchangeHttp = (): HttpClient => this.http;
    this.credentials = new TokenCredentials(
      apiKey,
      (token, signal) =>
        exchangeHttp().json({
          method: "POST",
          path: "/api/auth/token",
          body: { token },
          auth: false,
          signal,
        }),
      clock,
    );
    this.http = new HttpClient({
      baseURL: this.baseURL,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
      timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
      fetch: fetchImpl,
      uploadFetch: options.uploadFetch,
      clock,
      random: options.random ?? Math.random,
      credentials: this.credentials,
      userAgent: `openweights-js/${VERSION}`,
    });
    this.platform = options.platform ?? portablePlatform;
    this.files = new Files(this);
    this.jobs = new Jobs(this);
    this.runs = new Runs(this);
    this.events = new Events(this);
    this.logs = new Logs(this);
    this.tokens = new Tokens(this);
    this.secrets = new Secrets(this);
    this.workers = new Workers(this);
    this.organization = new Organization(this);
    this.organizations = new Organizations(this);
    this.limits = new Limits(this);
    this.usage = new Usage(this);
    this.hardware = new Hardware(this);
    const builtIns = createBuiltInJobs(
      {
        jobs: this.jobs,
        files: this.files,
        events: this.events,
        runs: this.runs,
        workers: this.workers,
        platform: this.platform,
        clock,
        fetch: fetchImpl,
      },
      { images: options.images, hfOrg: options.hfOrg, jobScripts: options.jobScripts },
    );
    this.fineTuning = builtIns.fineTuning;
    this.weightedSft = builtIns.weightedSft;
    this.logprob = builtIns.logprob;
    this.inference = builtIns.inference;
    this.api = builtIns.api;
    this.chat = builtIns.chat;
    this.inspectAi = builtIns.inspectAi;
    this.mmluPro = builtIns.mmluPro;
  }

  /** The organization, role and token behind this client's credential. */
  me(options: CallOptions = {}): Promise<Me> {
    return this.organization.me(options);
  }

  /** Defines a typed custom job family; see JobDefinition. */
  register<S extends z.ZodType>(definition: JobDefinition<S>): JobFamily<S> {
    return new JobFamily(definition, { jobs: this.jobs, files: this.files, platform: this.platform });
  }
}
