/** Events: the structured records a job's runs emitted (metrics, checkpoints, files). */
import { Event, type EventListQuery } from "@contract";
import type { ListParams } from "../core/list-params.ts";
import type { PagePromise } from "../core/pagination.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Event };

/** `cursor`: start after it (a previous page's `next_cursor`, or the last event id seen). */
export type EventListParams = ListParams<typeof EventListQuery>;

export class Events extends APIResource {
  /** Oldest first, across all runs unless `run_id` is given. */
  list(jobId: string, params: EventListParams = {}, options: CallOptions = {}): PagePromise<Event> {
    return this.listOf(`/api/jobs/${pathPart(jobId)}/events`, Event, { ...params }, options);
  }

  /** Every event's data merged in order (newest wins), optionally only the named fields. */
  async latest(
    jobId: string,
    fields?: string[],
    params: { run_id?: string } & CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const { run_id, ...options } = params;
    const body = await this.core.http.json<{ data?: Record<string, unknown> }>({
      ...options,
      method: "GET",
      path: `/api/jobs/${pathPart(jobId)}/events/latest`,
      query: { fields: fields?.join(","), run_id },
    });
    return body.data ?? {};
  }
}
