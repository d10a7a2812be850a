/**
 * `ow logs`: a job's lines across all its attempts, each attempt opened by a header line on
 * stderr (`── attempt 2/3 on worker …`), so stdout holds only the job's own output. With --json,
 * every item is one JSON line on stdout (`{"type":"attempt"|"line"|"waiting"|"end", …}`).
 */
import type { Job, JobLogItem, OpenWeights } from "../../node/index.ts";
import { paint } from "../colour.ts";
import { type Command, EXIT, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { type Io, makeClient } from "../context.ts";

export function attemptHeader(item: Extract<JobLogItem, { type: "attempt" }>): string {
  const of = item.attempt <= item.max_attempts ? `/${item.max_attempts}` : "";
  const where = item.run.worker_id ? ` on worker ${item.run.worker_id}` : "";
  const platform = item.attempt > item.max_attempts ? " (retry after a platform failure)" : "";
  return `── attempt ${item.attempt}${of}${where}${platform}`;
}

export function waitingLine(item: Extract<JobLogItem, { type: "waiting" }>): string {
  return `── ${item.status}: ${item.reason ?? "waiting for a worker"}`;
}

/** Writes one stream item; returns the finished job on the `end` item. */
export function writeLogItem(io: Io, item: JobLogItem, json: boolean): Job | undefined {
  if (json) io.stdout.write(`${JSON.stringify(item)}\n`);
  else if (item.type === "line") (item.stream === "stderr" ? io.stderr : io.stdout).write(`${item.text}\n`);
  else if (item.type === "attempt") io.stderr.write(`${paint(io.stderr, "dim", attemptHeader(item))}\n`);
  else if (item.type === "waiting") io.stderr.write(`${paint(io.stderr, "yellow", waitingLine(item))}\n`);
  return item.type === "end" ? item.job : undefined;
}

/** Prints a job's log stream; returns the job as it was when the stream ended. */
export async function streamJobLogs(
  client: OpenWeights,
  jobId: string,
  io: Io,
  options: { follow: boolean; json: boolean; runId?: string | undefined },
): Promise<Job | undefined> {
  if (options.runId) {
    await streamOneRun(client, jobId, options.runId, io, options);
    return undefined;
  }
  let job: Job | undefined;
  for await (const item of client.logs.stream(jobId, { follow: options.follow }))
    job = writeLogItem(io, item, options.json) ?? job;
  return job;
}

async function streamOneRun(
  client: OpenWeights,
  jobId: string,
  runId: string,
  io: Io,
  options: { follow: boolean; json: boolean },
): Promise<void> {
  const write = (l: { runId: string; seq: number; stream: "stdout" | "stderr"; text: string }) =>
    writeLogItem(
      io,
      { type: "line", attempt: 0, run_id: l.runId, seq: l.seq, stream: l.stream, text: l.text },
      options.json,
    );
  if (options.follow) {
    for await (const line of client.logs.follow(jobId, { run_id: runId })) write(line);
    return;
  }
  for (let after = -1; ; ) {
    const page = await client.logs.read(jobId, { run_id: runId, after_seq: after, limit: 1000 });
    for (const chunk of page.chunks)
      for (const [i, text] of chunk.lines.entries())
        write({ runId, seq: chunk.seq, stream: chunk.streams[i] === "e" ? "stderr" : "stdout", text });
    if (page.chunks.length === 0 || page.next_after_seq <= after) return;
    after = page.next_after_seq;
  }
}

export const logs: Command = {
  path: ["logs"],
  summary: "print a job's logs, every attempt in order; -f follows until the job finishes",
  args: "<job-id>",
  flags: {
    follow: { type: "boolean", short: "f", description: "keep printing new lines until the job finishes" },
    "run-id": { type: "string", placeholder: "uuid", description: "only this run (default: every attempt)" },
  },
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    await streamJobLogs(makeClient(), id, io, {
      follow: parsed.flags.follow === true,
      json: parsed.flags.json === true,
      runId: stringFlag(parsed, "run-id"),
    });
    return EXIT.ok;
  },
};
