"use client";
// Jobs: status filter, search (a job id, a job type, or a model name), cursor pagination, and
// bulk cancel / restart of the selected jobs.
import Link from "next/link";
import type { CursorPage, Job } from "openweights";
import { type FormEvent, useEffect, useState } from "react";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";

const STATUSES = ["", "pending", "in_progress", "completed", "failed", "canceled"] as const;
const TYPES = new Set([
  "fine-tuning",
  "weighted-sft",
  "inference",
  "api",
  "logprob",
  "inspect-ai",
  "mmlu-pro",
  "custom",
]);
const JOB_ID = /^[a-z0-9-]+-[0-9a-f]{12}$/;
const PAGE_SIZE = 50;

export default function JobsPage() {
  const { ow } = useSession();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("");
  const [search, setSearch] = useState("");
  const [pages, setPages] = useState<CursorPage<Job>[]>([]);
  const [single, setSingle] = useState<Job[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick reloads
  useEffect(() => {
    let live = true;
    const q = search.trim();
    setSelected(new Set());
    if (JOB_ID.test(q)) {
      ow.jobs.retrieve(q).then(
        (job) => live && setSingle([job]),
        () => live && setSingle([]),
      );
      return;
    }
    setSingle(null);
    const filter = {
      limit: PAGE_SIZE,
      ...(status ? { status } : {}),
      ...(q && TYPES.has(q) ? { type: q } : q ? { params: { model: q } } : {}),
    };
    ow.jobs.list(filter).then(
      (page) => live && setPages([page]),
      (e: unknown) => live && setMessage(String(e)),
    );
    return () => {
      live = false;
    };
  }, [ow, status, search, tick]);

  const page = pages.at(-1);
  const jobs = single ?? page?.data ?? [];

  async function bulk(action: "cancel" | "restart") {
    const ids = [...selected];
    const results = await Promise.allSettled(ids.map((id) => ow.jobs[action](id)));
    const failed = results.filter((r) => r.status === "rejected").length;
    setMessage(
      `${action === "cancel" ? "Canceled" : "Restarted"} ${ids.length - failed} of ${ids.length} job(s)`,
    );
    setTick((t) => t + 1);
  }

  function onSearch(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSearch(String(new FormData(e.currentTarget).get("q") ?? ""));
  }

  return (
    <>
      <h1>Jobs</h1>
      <div className="toolbar">
        <label>
          Status{" "}
          <select
            value={status}
            onChange={(e) => setStatus(STATUSES.find((s) => s === e.target.value) ?? "")}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "any"}
              </option>
            ))}
          </select>
        </label>
        <search>
          <form onSubmit={onSearch}>
            <label>
              Search{" "}
              <input name="q" type="search" placeholder="job id, type or model" defaultValue={search} />
            </label>
            <button type="submit">Search</button>
          </form>
        </search>
        <button type="button" disabled={selected.size === 0} onClick={() => void bulk("cancel")}>
          Cancel selected
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => void bulk("restart")}>
          Restart selected
        </button>
      </div>
      {message && <p role="status">{message}</p>}
      <table>
        <caption className="sr-only">Jobs, newest first</caption>
        <TableHead
          columns={["Job", "Type", "Status", "Model", "Created"]}
          before={
            <input
              type="checkbox"
              aria-label="Select all jobs on this page"
              checked={jobs.length > 0 && selected.size === jobs.length}
              onChange={(e) => setSelected(e.target.checked ? new Set(jobs.map((j) => j.id)) : new Set())}
            />
          }
        />
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-testid="job-row">
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${job.id}`}
                  checked={selected.has(job.id)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if (e.target.checked) next.add(job.id);
                    else next.delete(job.id);
                    setSelected(next);
                  }}
                />
              </td>
              <td>
                <Link href={`/jobs/${job.id}`}>{job.id}</Link>
              </td>
              <td>{job.type}</td>
              <td>
                <span className={`status ${job.status}`}>{job.status}</span>
              </td>
              <td>{job.model ?? ""}</td>
              <td>{new Date(job.created_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.length === 0 && <p className="muted">No jobs.</p>}
      <nav aria-label="Pages" className="toolbar">
        <button type="button" disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
          Previous page
        </button>
        <span className="muted">page {Math.max(1, pages.length)}</span>
        <button
          type="button"
          disabled={!page?.hasNextPage() || single !== null}
          onClick={() => void page?.getNextPage().then((p) => setPages([...pages, p]))}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
