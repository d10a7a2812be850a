import type { HttpClient } from "../core/http.ts";
import type { Platform } from "../core/platform.ts";

/** What every resource needs from the client. */
export interface ClientCore {
  readonly http: HttpClient;
  readonly platform: Platform;
}

export abstract class APIResource {
  constructor(protected readonly core: ClientCore) {}
}

/** Per-call overrides, openai-node style. */
export interface CallOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxRetries?: number;
}

/** One URL path segment; `:` stays readable (file ids are `purpose:file-…`). */
export function pathPart(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ":");
}
