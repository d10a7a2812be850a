"use client";
import Link from "next/link";
// Workers: hardware, status, $/h, uptime, current job, and shutdown.
import type { Worker } from "openweights";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

function uptime(w: Worker): string {
  const end = w.terminated_at ? Date.parse(w.terminated_at) : Date.now();
  const minutes = Math.max(0, Math.round((end - Date.parse(w.created_at)) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

export default function WorkersPage() {
  const { ow } = useSession();
  const workers = useAsync(async () => {
    const all: (Worker & { current_job_id?: string | null })[] = [];
    for await (const w of ow.workers.list({ limit: 200 })) all.push(w);
    return all;
  }, [ow]);

  return (
    <>
      <h1>Workers</h1>
      <table>
        <TableHead columns={["Worker", "Hardware", "Status", "$/h", "Uptime", "Current job"]} actions />
        <tbody>
          {(workers.data ?? []).map((w) => (
            <tr key={w.id}>
              <td>
                <code>{w.id}</code>
              </td>
              <td>{w.hardware_type ?? (w.gpu_type ? `${w.gpu_count}x ${w.gpu_type}` : "cpu")}</td>
              <td>
                {w.status}
                {w.shutdown_requested ? " (shutting down)" : ""}
              </td>
              <td>{w.cost_per_hour.toFixed(2)}</td>
              <td>{uptime(w)}</td>
              <td>
                {w.current_job_id ? <Link href={`/jobs/${w.current_job_id}`}>{w.current_job_id}</Link> : ""}
              </td>
              <td>
                {!w.terminated_at && !w.shutdown_requested && (
                  <button
                    type="button"
                    aria-label={`Shut down worker ${w.id}`}
                    onClick={() => void ow.workers.shutdown(w.id).then(workers.reload)}
                  >
                    Shut down
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {workers.data?.length === 0 && <p className="muted">No workers.</p>}
      {workers.error && <p role="alert">{workers.error}</p>}
    </>
  );
}
