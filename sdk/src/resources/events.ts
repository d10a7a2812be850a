/** Events: the structured records a job's runs emitted (metrics, checkpoints, files). */
import { Event, type EventListQuery, MetricSeries, type MetricSeriesQuery } from "@contract";
import type { ListParams } from "../core/list-params.ts";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Event, MetricSeries };

/** `cursor`: start after it (a previous page's `next_cursor`, or the last event id seen). */
export type EventListParams = ListParams<typeof EventListQuery>;
export type MetricSeriesParams = ListParams<typeof MetricSeriesQuery>;

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

  /**
   * The job's metric series (numeric fields of events with a numeric `step`, per run), downsampled
   * in the database to each bucket's lowest and highest point: one request for a run of any length.
   */
  async metrics(
    jobId: string,
    params: MetricSeriesParams = {},
    options: CallOptions = {},
  ): Promise<MetricSeries> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "GET",
      path: `/api/jobs/${pathPart(jobId)}/metrics`,
      query: { ...params },
    });
    return parseTolerant(MetricSeries, body);
  }
}
