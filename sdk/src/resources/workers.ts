/**
 * Workers of the organization; shutdown asks one to finish its job and stop (admin); logs reads
 * what happened on a worker outside any run (boot, start, GPU health, registration, crash).
 */
import { Worker, type WorkerListQuery, WorkerLogPage } from "@contract";
import type { ListParams } from "../core/list-params.ts";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Worker, WorkerLogPage };

export class Workers extends APIResource {
  list(params: ListParams<typeof WorkerListQuery> = {}, options: CallOptions = {}): PagePromise<Worker> {
    return this.listOf("/api/workers", Worker, { ...params }, options);
  }

  async shutdown(workerId: string, options: CallOptions = {}): Promise<Worker> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "POST",
      path: `/api/workers/${pathPart(workerId)}/shutdown`,
    });
    return parseTolerant(Worker, body);
  }

  /** One page of a worker's log, oldest first, after line id `after` (0: from the start). */
  async logs(
    workerId: string,
    params: { after?: number; limit?: number } = {},
    options: CallOptions = {},
  ): Promise<WorkerLogPage> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "GET",
      path: `/api/workers/${pathPart(workerId)}/logs`,
      query: params,
    });
    return parseTolerant(WorkerLogPage, body);
  }
}
