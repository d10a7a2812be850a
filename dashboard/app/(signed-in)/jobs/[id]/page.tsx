"use client";
// A job: what was asked (params, entrypoint, mounts), what happened (runs, outputs, result files,
// cost so far, why it waits), and its selected run live — logs and metric plots.
import { useParams } from "next/navigation";
import { useMemo, useState } from "react";
import { JobFacts } from "@/components/job-facts.tsx";
import { LogView } from "@/components/log-view.tsx";
import { LogprobView } from "@/components/logprob-view.tsx";
import { MetricPlot } from "@/components/metric-plot.tsx";
import { isTerminal } from "@/lib/live-job.ts";
import { displayLines } from "@/lib/log-lines.ts";
import { metricOrder, metricSeries } from "@/lib/metrics.ts";
import { useSession } from "@/lib/session-context.tsx";
import { useLiveJob } from "@/lib/use-live-job.ts";

export default function JobPage() {
  const { id } = useParams<{ id: string }>();
  const jobId = decodeURIComponent(id);
  const { ow } = useSession();
  const { live, state } = useLiveJob(jobId);
  const [chosenRun, setChosenRun] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const runId = chosenRun ?? state.runs.at(-1)?.id ?? null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: state.version marks new chunks
  const lines = useMemo(() => (runId ? displayLines(live.logs.list(runId)) : []), [runId, state.version]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: state.version marks new events
  const newEvents = useMemo(
    () => state.runs.flatMap((r) => live.events.list(r.id)),
    [state.runs, state.version],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: state.version marks a new summary
  const allEvents = useMemo(() => [...live.history, ...newEvents], [newEvents, state.version]);
  // The api's downsampled series up to the summary, then the points of every event since.
  // biome-ignore lint/correctness/useExhaustiveDependencies: state.version marks a new summary
  const series = useMemo(() => metricSeries(newEvents, live.baseSeries), [newEvents, state.version]);

  if (!state.job) return <p role="status">Loading job {jobId}…</p>;
  const job = state.job;

  async function act(action: "cancel" | "restart") {
    try {
      await ow.jobs[action](jobId);
      setNote(action === "cancel" ? "Cancel requested" : "Restarted");
      await live.catchUp();
    } catch (e) {
      setNote(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <h1>
        {job.id}{" "}
        <span className={`status ${job.status}`} data-testid="job-status">
          {job.status}
        </span>
      </h1>
      <div className="toolbar">
        <button type="button" disabled={isTerminal(job.status)} onClick={() => void act("cancel")}>
          Cancel job
        </button>
        <button type="button" disabled={!isTerminal(job.status)} onClick={() => void act("restart")}>
          Restart job
        </button>
        <span className="muted" data-testid="live-mode">
          live: {state.mode}
        </span>
        {note && <span role="status">{note}</span>}
      </div>
      <JobFacts job={job} runs={state.runs} events={allEvents} />
      {state.runs.length > 0 && (
        <label>
          Run{" "}
          <select value={runId ?? ""} onChange={(e) => setChosenRun(e.target.value)}>
            {state.runs.map((r) => (
              <option key={r.id} value={r.id}>
                attempt {r.attempt} · {r.status} · {r.id.slice(0, 8)}
              </option>
            ))}
          </select>
        </label>
      )}
      <section aria-label="Metrics" className="plots">
        {metricOrder(series.keys()).map((name) => (
          <MetricPlot key={name} name={name} runs={series.get(name)!} />
        ))}
      </section>
      <LogprobView events={allEvents} />
      <LogView lines={lines} lastSeq={runId ? live.logs.lastSeq(runId) : -1} />
    </>
  );
}
