import type { z } from "zod";
import type { HttpClient, QueryValue } from "../core/http.ts";
import { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import type { Platform } from "../core/platform.ts";

/** What every resource needs from the client. */
export interface ClientCore {
  readonly http: HttpClient;
  readonly platform: Platform;
}

export abstract class APIResource {
  constructor(protected readonly core: ClientCore) {}

  /**
   * The one page-listing call of the SDK: GET `path` with `query`, following `next_cursor` (from
   * `query.cursor` when given), each item read by `schema` (tolerantly: a newer server's extra
   * fields or values do not break an older SDK).
   */
  protected listOf<T>(
    path: string,
    schema: z.ZodType<T>,
    query: Record<string, QueryValue> = {},
    options: CallOptions = {},
  ): PagePromise<T> {
    const { cursor: start, ...rest } = query;
    return new PagePromise(async (cursor) => {
      const page = await this.core.http.json<{ object: "list"; data: unknown[]; next_cursor: string | null }>(
        {
          ...options,
          method: "GET",
          path,
          query: { ...rest, cursor: cursor ?? start },
        },
      );
      return { ...page, data: (page.data ?? []).map((item) => parseTolerant(schema, item)) };
    });
  }
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
