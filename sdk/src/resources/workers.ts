/** Workers of the organization; shutdown asks one to finish its job and stop (admin). */
import { Worker } from "@contract";
import { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Worker };

export class Workers extends APIResource {
  list(params: { status?: string; limit?: number } = {}, options: CallOptions = {}): PagePromise<Worker> {
    return new PagePromise(async (cursor) => {
      const page = await this.core.http.json<{ object: "list"; data: unknown[]; next_cursor: string | null }>(
        {
          ...options,
          method: "GET",
          path: "/api/workers",
          query: { ...params, cursor },
        },
      );
      return { ...page, data: (page.data ?? []).map((w) => parseTolerant(Worker, w)) };
    });
  }

  async shutdown(workerId: string, options: CallOptions = {}): Promise<Worker> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "POST",
      path: `/api/workers/${pathPart(workerId)}/shutdown`,
    });
    return parseTolerant(Worker, body);
  }
}
