// Watches one job live. Broadcasts on the job's private Realtime channel (`job:<id>`: log, event,
// status, run) are applied when they are next in sequence; on every (re)subscribe, and whenever a
// broadcast reveals a gap, the page reads what it missed through the api by sequence number
// (catchUp), so a dropped connection leaves no gap and no duplicate. Without Realtime the same
// catchUp runs in a loop, waiting on the api's long-poll for new log lines — and so it does while
// a configured Realtime is unreachable (connecting or reconnecting), so the page never stalls.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Event, Job, LogPage, MetricSeries, OpenWeights, Run } from "openweights";
import { SequenceLog } from "./sequence-log.ts";

export type LogChunk = LogPage["chunks"][number];
/** What the events trigger broadcasts (migration 20261129002500). */
interface BroadcastEvent {
  run_id: string;
  seq: number;
  type: string | null;
  data: Record<string, unknown>;
}
export type LiveMode = "connecting" | "realtime" | "long-poll" | "reconnecting";

export interface LiveSnapshot {
  job: Job | null;
  runs: Run[];
  mode: LiveMode;
  /** Bumped on every change, so views can memoize on it. */
  version: number;
}

const LONG_POLL_SECONDS = 20;
/** Buckets per series the api downsamples to (MetricPlot draws at most 1,500 buckets too). */
const PLOT_BUCKETS = 1500;
/** Event types the views list one by one (files in JobFacts, LogprobView), read beside the summary. */
const LISTED_TYPES = ["file", "logprobs", "logprobs_blockwise"];
type JobEvent = Event & { run_id: string };

export class LiveJob {
  readonly logs = new SequenceLog<LogChunk>();
  readonly events = new SequenceLog<JobEvent>();
  /**
   * What happened before the page opened, read in one request instead of every event page (a run
   * with 100,000 metric points took 100 sequential pages, BENCHMARKS.md): the api's downsampled
   * metric series up to an event id, and the listed-type events up to it. `events` holds the rest.
   */
  baseSeries: MetricSeries["series"] = [];
  history: JobEvent[] = [];
  private summarized = false;
  private snapshot: LiveSnapshot = { job: null, runs: [], mode: "connecting", version: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly abort = new AbortController();
  private catching: Promise<void> | null = null;
  private again = false;
  private eventCursor: string | undefined;
  private stopRealtime: (() => void) | null = null;

  constructor(
    private readonly ow: OpenWeights,
    readonly jobId: string,
    private readonly realtime: SupabaseClient | null,
  ) {}

  get state(): LiveSnapshot {
    return this.snapshot;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    if (this.realtime) void this.startRealtime(this.realtime);
    else this.changed({ mode: "long-poll" });
    void this.pollLoop();
  }

  stop(): void {
    this.abort.abort();
    this.stopRealtime?.();
  }

  /** Reads everything after what is held (job, runs, each run's logs and the job's events). */
  catchUp(wait = 0): Promise<void> {
    if (this.catching) {
      this.again = true;
      return this.catching;
    }
    this.catching = (async () => {
      let waitNow = wait;
      do {
        this.again = false;
        await this.readAll(waitNow);
        waitNow = 0; // a catch-up asked for meanwhile must not sit in a long-poll
      } while (this.again && !this.abort.signal.aborted);
    })().finally(() => {
      this.catching = null;
    });
    return this.catching;
  }

  private changed(patch: Partial<LiveSnapshot> = {}) {
    this.snapshot = { ...this.snapshot, ...patch, version: this.snapshot.version + 1 };
    for (const listener of this.listeners) listener();
  }

  private async readAll(wait: number) {
    const signal = this.abort.signal;
    const [job, runs] = await Promise.all([
      this.ow.jobs.retrieve(this.jobId, { signal }),
      this.ow.runs.list(this.jobId, { signal }),
    ]);
    this.changed({ job, runs });
    let added = 0;
    for (const run of runs) {
      for (;;) {
        const page = await this.ow.logs.read(
          this.jobId,
          {
            run_id: run.id,
            after_seq: this.logs.lastSeq(run.id),
            limit: 1000,
            wait: run.status === "in_progress" ? wait : 0,
          },
          { signal },
        );
        added += this.logs.absorb(page.chunks);
        if (page.chunks.length < 1000) break;
      }
    }
    if (added > 0) this.changed();
    added = 0;
    if (!this.summarized) {
      await this.readSummary(signal);
      added += 1;
    }
    let page = await this.ow.events.list(this.jobId, { cursor: this.eventCursor, limit: 1000 }, { signal });
    for (;;) {
      const fresh = page.data.filter((e): e is JobEvent => typeof e.run_id === "string");
      added += this.events.absorb(fresh);
      const last = page.data.at(-1);
      if (last) this.eventCursor = String(last.id);
      if (!page.hasNextPage()) break;
      page = await page.getNextPage();
    }
    // One render per catch-up, not per page: each render recomputes every series and redraws the
    // plots, which made a 100,000-point run take 134 s to load (bench:dashboard, 200 pages of 500).
    if (added > 0) this.changed();
  }

  private async readSummary(signal: AbortSignal) {
    const summary = await this.ow.events.metrics(this.jobId, { buckets: PLOT_BUCKETS }, { signal });
    const through = summary.through_event_id;
    const history: JobEvent[] = [];
    for (const type of LISTED_TYPES) {
      let page = await this.ow.events.list(this.jobId, { type, limit: 1000 }, { signal });
      for (;;) {
        history.push(
          ...page.data.filter((e): e is JobEvent => typeof e.run_id === "string" && e.id <= through),
        );
        if (!page.hasNextPage() || (page.data.at(-1)?.id ?? 0) > through) break;
        page = await page.getNextPage();
      }
    }
    for (const run of summary.runs) this.events.skipTo(run.run_id, run.last_seq);
    this.baseSeries = summary.series;
    this.history = history.sort((a, b) => a.id - b.id);
    if (through > 0) this.eventCursor = String(through);
    this.summarized = true;
  }

  /** Long-polls the api whenever Realtime is not delivering (not configured, or not joined). */
  private async pollLoop() {
    while (!this.abort.signal.aborted) {
      if (this.snapshot.mode === "realtime") {
        await sleep(250, this.abort.signal);
        continue;
      }
      try {
        await this.catchUp(LONG_POLL_SECONDS);
        if (this.snapshot.job && isTerminal(this.snapshot.job.status)) await sleep(5_000, this.abort.signal);
      } catch {
        await sleep(2_000, this.abort.signal);
      }
    }
  }

  private async startRealtime(client: SupabaseClient) {
    // Supabase's docs: set the token before joining a private channel, or the join may go without it.
    await client.realtime.setAuth();
    const channel = client
      .channel(`job:${this.jobId}`, { config: { private: true } })
      .on("broadcast", { event: "log" }, ({ payload }) => this.offerLog(payload as LogChunk))
      .on("broadcast", { event: "event" }, ({ payload }) => this.offerEvent(payload as BroadcastEvent))
      .on("broadcast", { event: "status" }, () => this.requestCatchUp())
      .on("broadcast", { event: "run" }, () => this.requestCatchUp())
      .subscribe((status) => {
        if (status === "SUBSCRIBED") {
          this.changed({ mode: "realtime" });
          this.requestCatchUp();
        } else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT" || status === "CLOSED") {
          if (!this.abort.signal.aborted) this.changed({ mode: "reconnecting" });
        }
      });
    this.stopRealtime = () => void client.removeChannel(channel);
  }

  private offerLog(chunk: LogChunk) {
    const outcome = this.logs.offer(chunk);
    if (outcome === "applied") this.changed();
    else if (outcome === "gap") this.requestCatchUp();
  }

  /** An event broadcast carries no id; the api's copy, read later by id, is then a duplicate. */
  private offerEvent(event: BroadcastEvent) {
    const outcome = this.events.offer({ ...event, id: -1 } as unknown as JobEvent);
    if (outcome === "applied") this.changed();
    else if (outcome === "gap") this.requestCatchUp();
  }

  private requestCatchUp() {
    this.catchUp().catch(() => {
      if (!this.abort.signal.aborted) setTimeout(() => this.requestCatchUp(), 1_000);
    });
  }
}

export function isTerminal(status: string): boolean {
  return status === "completed" || status === "failed" || status === "canceled";
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
