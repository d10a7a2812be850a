/**
 * Everything a job left, into one directory: `job.json`, `logs/attempt-<n>.log` (every attempt,
 * both streams in order), `events.jsonl`, and `results/<path>` for every result file the job's
 * runs uploaded (a path uploaded again by a later attempt holds the later file). Writing files
 * needs the Node platform (`openweights/node`).
 */
import type { Event } from "@contract";
import { Events } from "./events.ts";
import { Files } from "./files.ts";
import { Logs } from "./logs.ts";
import type { ClientCore } from "./resource.ts";

export interface DownloadProgress {
  /** 1-based position of the file just written, of `total`. */
  index: number;
  total: number;
  /** Relative to the download directory. */
  path: string;
  bytes: number;
}

export interface JobDownload {
  dir: string;
  files: { path: string; bytes: number }[];
}

/** A result path as the job named it, if it stays inside results/ (no absolute paths, no `..`). */
function safeResultPath(path: unknown): string | undefined {
  if (typeof path !== "string" || path === "" || path.startsWith("/") || path.includes("\\"))
    return undefined;
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  return parts.length === 0 || parts.includes("..") ? undefined : parts.join("/");
}

export async function downloadJob(
  core: ClientCore,
  jobId: string,
  dir: string,
  options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
): Promise<JobDownload> {
  const logs = new Logs(core);
  const files = new Files(core);
  const events: Event[] = [];
  for await (const e of new Events(core).list(jobId, { limit: 1000 }, { signal: options.signal }))
    events.push(e);

  const logText = new Map<number, string[]>();
  let job: unknown;
  for await (const item of logs.stream(jobId, { follow: false, signal: options.signal })) {
    if (item.type === "attempt") logText.set(item.attempt, []);
    else if (item.type === "line") logText.get(item.attempt)?.push(item.text);
    else if (item.type === "end") job = item.job;
  }
  const results = new Map<string, string>();
  for (const e of events) {
    const path = safeResultPath(e.data.path);
    if (e.type === "file" && typeof e.data.file_id === "string" && path) results.set(path, e.data.file_id);
  }

  const writes: { path: string; content: () => Promise<string | Response> }[] = [
    { path: "job.json", content: async () => `${JSON.stringify(job, null, 2)}\n` },
    ...[...logText].map(([attempt, lines]) => ({
      path: `logs/attempt-${attempt}.log`,
      content: async () => (lines.length ? `${lines.join("\n")}\n` : ""),
    })),
    { path: "events.jsonl", content: async () => events.map((e) => `${JSON.stringify(e)}\n`).join("") },
    ...[...results].map(([path, fileId]) => ({
      path: `results/${path}`,
      content: () => files.content(fileId, { signal: options.signal }),
    })),
  ];
  const written: JobDownload["files"] = [];
  for (const [i, w] of writes.entries()) {
    const bytes = await core.platform.saveFile(`${dir}/${w.path}`, await w.content());
    written.push({ path: w.path, bytes });
    options.onProgress?.({ index: i + 1, total: writes.length, path: w.path, bytes });
  }
  return { dir, files: written };
}
