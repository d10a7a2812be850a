// The api's routes about work: jobs, what they did (runs, events, logs), workers and hardware.
import { z } from "zod";
import { defineRoute } from "../../http/define-route.ts";
import { JobId, Page } from "../common.ts";
import {
  Event,
  EventListQuery,
  Job,
  JobListQuery,
  JobSubmission,
  LatestEventsQuery,
  LogPage,
  LogQuery,
  MetricSeries,
  MetricSeriesQuery,
  Run,
  SubmitResult,
} from "../jobs.ts";
import { Worker, WorkerId, WorkerListQuery, WorkerLogPage, WorkerLogQuery } from "../workers.ts";

const JobPath = z.strictObject({ id: JobId });
const WorkerPath = z.strictObject({ id: WorkerId });

/** Newest value of each event field (`latest` merges events newest-first per field). */
export const LatestEvents = z.object({ data: z.record(z.string(), z.unknown()) });

/** One entry of the hardware catalog: what `allowed_hardware` may name. */
export const HardwareOption = z.object({
  hardware: z.string(),
  gpu: z.string(),
  count: z.number(),
  vram_gb: z.number(),
  cost_per_hour: z.number(),
  verified: z.boolean(),
});
export type HardwareOption = z.infer<typeof HardwareOption>;

export const JobRoutes = {
  submit: defineRoute({
    name: "jobs.create",
    method: "post",
    path: "/jobs",
    summary: "Submit a job (insert or return by content id; 201 when created)",
    who: "member",
    body: JobSubmission,
    maxBodyBytes: 2_000_000,
    response: SubmitResult,
    statuses: [200, 201],
  }),
  list: defineRoute({
    name: "jobs.list",
    method: "get",
    path: "/jobs",
    summary: "The organization's jobs, newest first",
    who: "member",
    query: JobListQuery,
    response: Page(Job),
  }),
  retrieve: defineRoute({
    name: "jobs.retrieve",
    method: "get",
    path: "/jobs/:id",
    summary: "One job (a pending job's `waiting_reason` says why it waits)",
    who: "member",
    params: JobPath,
    response: Job,
  }),
  cancel: defineRoute({
    name: "jobs.cancel",
    method: "post",
    path: "/jobs/:id/cancel",
    summary: "Cancel a pending or running job (409 `job_not_cancelable` when it has ended)",
    who: "member",
    params: JobPath,
    response: Job,
  }),
  restart: defineRoute({
    name: "jobs.restart",
    method: "post",
    path: "/jobs/:id/restart",
    summary: "Put a failed or canceled job back in the queue (pending)",
    who: "member",
    params: JobPath,
    response: Job,
  }),
  runs: defineRoute({
    name: "jobs.runs",
    method: "get",
    path: "/jobs/:id/runs",
    summary: "A job's runs, by attempt",
    who: "member",
    params: JobPath,
    response: Page(Run),
  }),
  events: defineRoute({
    name: "jobs.events",
    method: "get",
    path: "/jobs/:id/events",
    summary: "A job's events, oldest first",
    who: "member",
    params: JobPath,
    query: EventListQuery,
    response: Page(Event),
  }),
  latestEvents: defineRoute({
    name: "jobs.events.latest",
    method: "get",
    path: "/jobs/:id/events/latest",
    summary: "The newest value of each event field",
    who: "member",
    params: JobPath,
    query: LatestEventsQuery,
    response: LatestEvents,
  }),
  metrics: defineRoute({
    name: "jobs.metrics",
    method: "get",
    path: "/jobs/:id/metrics",
    summary:
      "A job's metric series per run, downsampled in the database to each bucket's lowest and highest point",
    who: "member",
    params: JobPath,
    query: MetricSeriesQuery,
    response: MetricSeries,
  }),
  logs: defineRoute({
    name: "jobs.logs",
    method: "get",
    path: "/jobs/:id/logs",
    summary:
      "A run's log chunks by sequence (`run_id` defaults to the latest run); `wait` long-polls for new lines",
    who: "member",
    params: JobPath,
    query: LogQuery,
    response: LogPage,
  }),
} as const;

export const WorkerRoutes = {
  list: defineRoute({
    name: "workers.list",
    method: "get",
    path: "/workers",
    summary: "The organization's workers, newest first",
    who: "member",
    query: WorkerListQuery,
    response: Page(Worker),
  }),
  shutdown: defineRoute({
    name: "workers.shutdown",
    method: "post",
    path: "/workers/:id/shutdown",
    summary: "Ask a worker to finish its runs and stop",
    who: "member",
    params: WorkerPath,
    response: Worker,
  }),
  logs: defineRoute({
    name: "workers.logs",
    method: "get",
    path: "/workers/:id/logs",
    summary: "Lines about a worker outside any run (boot, start, crash), oldest first",
    who: "member",
    params: WorkerPath,
    query: WorkerLogQuery,
    response: WorkerLogPage,
  }),
  hardware: defineRoute({
    name: "hardware.list",
    method: "get",
    path: "/hardware",
    summary: "The hardware catalog",
    who: "member",
    response: Page(HardwareOption),
  }),
} as const;
