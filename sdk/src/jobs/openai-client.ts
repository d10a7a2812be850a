/**
 * `openai` is an optional peer dependency: loaded on first use, with a clear error when absent.
 * The returned client is typed structurally so the declarations never need `openai` installed;
 * cast to `OpenAI` when you have it (`const client = (await api.openai()) as OpenAI`).
 */
import { OpenWeightsError } from "../core/errors.ts";
import type { FetchLike } from "../core/http.ts";

export interface OpenAIClientLike {
  baseURL: string;
  apiKey: string;
  chat: {
    completions: {
      create(body: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
    };
  };
}

type OpenAIConstructor = new (options: Record<string, unknown>) => OpenAIClientLike;
export type OpenAIImporter = () => Promise<{ default?: unknown; OpenAI?: unknown }>;

// a variable specifier keeps browser bundlers from failing when the optional peer is missing
const specifier = "openai";
const importOpenAI: OpenAIImporter = () => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

export async function loadOpenAI(importer: OpenAIImporter = importOpenAI): Promise<OpenAIConstructor> {
  let module: { default?: unknown; OpenAI?: unknown };
  try {
    module = await importer();
  } catch (cause) {
    throw new OpenWeightsError(
      "The `openai` package is needed for OpenAI clients of deployed models: npm install openai",
      { cause },
    );
  }
  const ctor = module.OpenAI ?? module.default;
  if (typeof ctor !== "function") throw new OpenWeightsError("The `openai` package has no OpenAI class");
  return ctor as OpenAIConstructor;
}

export interface OpenAIClientOptions {
  baseURL: string;
  apiKey: string;
  fetch: FetchLike;
  importer?: OpenAIImporter | undefined;
  /** Passed through to the OpenAI constructor (timeout, maxRetries, defaultHeaders, …). */
  extra?: Record<string, unknown> | undefined;
}

export async function openAIClient(options: OpenAIClientOptions): Promise<OpenAIClientLike> {
  const OpenAI = await loadOpenAI(options.importer);
  return new OpenAI({
    maxRetries: 1,
    ...options.extra,
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    fetch: options.fetch,
  });
}
