"use client";
// What was asked and what happened: params, entrypoint, mounts, runs, outputs, result files (to
// download), cost so far (run time × the worker's $/h) and, while pending, why the job waits.
import type { Job, Run, Worker } from "openweights";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

interface FileEvent {
  run_id: string;
  seq: number;
  data: Record<string, unknown>;
}

function hours(run: Run): number {
  if (!run.started_at) return 0;
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  return Math.max(0, end - Date.parse(run.started_at)) / 3_600_000;
}

export function JobFacts({ job, runs, events }: { job: Job; runs: Run[]; events: readonly FileEvent[] }) {
  const { ow } = useSession();
  const workers = useAsync(async () => {
    const byId = new Map<string, Worker>();
    for await (const w of ow.workers.list({ limit: 200 })) byId.set(w.id, w);
    return byId;
  }, [ow, runs.length]);
  const cost = runs.reduce(
    (sum, r) => sum + hours(r) * (workers.data?.get(r.worker_id ?? "")?.cost_per_hour ?? 0),
    0,
  );
  const files = events.filter((e) => e.data.type === "file" && typeof e.data.file_id === "string");

  async function download(fileId: string, name: string) {
    const blob = await (await ow.files.content(fileId)).blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section aria-label="Job details" className="facts">
      <dl>
        <dt>Type</dt>
        <dd>{job.type}</dd>
        <dt>Image</dt>
        <dd>
          <code>{job.image}</code>
        </dd>
        <dt>Entrypoint</dt>
        <dd>
          <code>{job.entrypoint.join(" ")}</code>
        </dd>
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.max_attempts}
        </dd>
        <dt>Cost so far</dt>
        <dd data-testid="cost">${cost.toFixed(4)}</dd>
        {job.waiting_reason && (
          <>
            <dt>Waiting</dt>
            <dd data-testid="waiting-reason">{job.waiting_reason}</dd>
          </>
        )}
        {job.failure_message && (
          <>
            <dt>Failure</dt>
            <dd>
              {job.failure_kind}: {job.failure_message}
            </dd>
          </>
        )}
      </dl>
      <details open>
        <summary>Params</summary>
        <pre>{JSON.stringify(job.params, null, 2)}</pre>
      </details>
      <details>
        <summary>Mounts ({Object.keys(job.mounts).length})</summary>
        <ul>
          {Object.entries(job.mounts).map(([path, file]) => (
            <li key={path}>
              <code>{path}</code> ← <code>{file}</code>
            </li>
          ))}
        </ul>
      </details>
      {job.outputs && (
        <details open>
          <summary>Outputs</summary>
          <pre>{JSON.stringify(job.outputs, null, 2)}</pre>
        </details>
      )}
      <h2>Runs</h2>
      <table>
        <TableHead columns={["Attempt", "Status", "Worker", "Started", "Finished"]} />
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>{r.attempt}</td>
              <td>{r.status}</td>
              <td>{r.worker_id ?? ""}</td>
              <td>{r.started_at ? new Date(r.started_at).toLocaleTimeString() : ""}</td>
              <td>{r.finished_at ? new Date(r.finished_at).toLocaleTimeString() : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {files.length > 0 && (
        <>
          <h2>Result files</h2>
          <ul>
            {files.map((f) => (
              <li key={`${f.run_id}:${f.seq}`}>
                <button
                  type="button"
                  onClick={() => void download(String(f.data.file_id), String(f.data.path ?? "file"))}
                >
                  Download {String(f.data.path ?? f.data.file_id)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
