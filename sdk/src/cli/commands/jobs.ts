/** jobs ls | get | cancel | restart | wait. */
import { JobStatus } from "@contract";
import type { Job } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import { paintStatus } from "../colour.ts";
import { type Command, EXIT, intFlag, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { collect, type Io, makeClient, printJson, printTable, readAllStdin } from "../context.ts";
import { startSpinner } from "../spinner.ts";

export const jobsList: Command = {
  path: ["jobs", "ls"],
  summary: "list jobs, newest first",
  flags: {
    status: { type: "string", choices: JobStatus.options, description: "only this status" },
    type: { type: "string", description: "only this job type" },
    limit: { type: "int", min: 1, description: "at most this many (default 50)" },
    quiet: { type: "boolean", short: "q", description: "print only ids (for piping into `ow cancel -`)" },
  },
  async run(parsed, io) {
    noExtraPositionals(parsed, 0);
    const limit = intFlag(parsed, "limit") ?? 50;
    const query = {
      // `choices` already refused anything else; parsing gives the value its enum type
      status: JobStatus.optional().parse(stringFlag(parsed, "status")),
      type: stringFlag(parsed, "type"),
      limit: Math.min(limit, 1000),
    };
    const jobs = await collect(makeClient().jobs.list(query), limit);
    if (parsed.flags.json) printJson(io, jobs);
    else if (parsed.flags.quiet) io.stdout.write(jobs.map((j) => `${j.id}\n`).join(""));
    else
      printTable(
        io,
        ["ID", "STATUS", "TYPE", "UPDATED", "WAITING"],
        jobs.map((j) => [
          j.id,
          j.status,
          j.type,
          j.updated_at,
          j.status === "pending" ? (j.waiting_reason ?? "-") : "",
        ]),
        (cell, column) =>
          column === 1 ? paintStatus(io.stdout, cell.trim()) + cell.slice(cell.trim().length) : cell,
      );
    return EXIT.ok;
  },
};

export const jobsGet: Command = {
  path: ["jobs", "get"],
  summary: "show a job",
  args: "<job-id>",
  flags: {},
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    const job = await makeClient().jobs.retrieve(id);
    if (parsed.flags.json) printJson(io, job);
    else printJob(io, job);
    return EXIT.ok;
  },
};

function printJob(io: Io, job: Job): void {
  const rows: [string, unknown][] = [
    ["id", job.id],
    ["status", job.status],
    ["type", job.type],
    ["image", job.image],
    ["entrypoint", JSON.stringify(job.entrypoint)],
    ["attempts", `${job.attempts}/${job.max_attempts}`],
    ...(job.status === "pending" && job.waiting_reason
      ? [["waiting", job.waiting_reason] as [string, unknown]]
      : []),
    ["failure", job.failure_kind ? `${job.failure_kind}: ${job.failure_message ?? ""}` : "-"],
    ["outputs", job.outputs ? JSON.stringify(job.outputs) : "-"],
    ["updated", job.updated_at],
  ];
  io.stdout.write(rows.map(([k, v]) => `${k.padEnd(11)} ${String(v)}\n`).join(""));
}

/** Ids from the arguments, or from stdin (one per line) given `-` or no ids with stdin piped. */
async function jobIds(parsed: { positionals: string[] }, io: Io): Promise<string[]> {
  const fromStdin = parsed.positionals.includes("-") || (parsed.positionals.length === 0 && !io.stdin.isTTY);
  const ids = parsed.positionals.filter((p) => p !== "-");
  if (fromStdin) ids.push(...(await readAllStdin(io)).split(/\s+/).filter(Boolean));
  // An empty pipe (`ow ls --status pending -q | ow cancel -` with nothing pending) is nothing to do.
  if (ids.length === 0 && !fromStdin)
    throw new UsageError("missing <job-id> (or `-` to read ids from stdin)");
  return ids;
}

export const jobsCancel: Command = {
  path: ["jobs", "cancel"],
  summary: "cancel pending or running jobs (ids as arguments, or `-` for stdin)",
  args: "<job-id…|->",
  flags: {},
  async run(parsed, io) {
    const client = makeClient();
    const results: { id: string; status: string; error?: string }[] = [];
    for (const id of await jobIds(parsed, io)) {
      try {
        results.push({ id, status: (await client.jobs.cancel(id)).status });
      } catch (error) {
        const e = error as { code?: string; message: string };
        results.push({ id, status: e.code === "job_not_cancelable" ? "skipped" : "error", error: e.message });
      }
    }
    if (parsed.flags.json) printJson(io, results);
    else for (const r of results) io.stdout.write(`${r.id}\t${r.status}${r.error ? `\t${r.error}` : ""}\n`);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    io.stderr.write(`canceled ${count("canceled")}, skipped ${count("skipped")}, errors ${count("error")}\n`);
    return count("error") > 0 ? EXIT.failed : EXIT.ok;
  },
};

export const jobsRestart: Command = {
  path: ["jobs", "restart"],
  summary: "send a failed or canceled job back to pending (--force also reruns a completed one)",
  args: "<job-id>",
  flags: { force: { type: "boolean", description: "also rerun a job that completed" } },
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    const client = makeClient();
    const current = await client.jobs.retrieve(id);
    if (current.status === "completed" && parsed.flags.force !== true) {
      io.stderr.write(
        `job ${id} completed; nothing to restart. \`ow jobs restart --force ${id}\` reruns it.\n`,
      );
      return EXIT.failed;
    }
    const job = await client.jobs.restart(id);
    if (parsed.flags.json) printJson(io, job);
    else io.stdout.write(`${job.id}\t${job.status}\n`);
    return EXIT.ok;
  },
};

export const jobsWait: Command = {
  path: ["jobs", "wait"],
  summary: "wait for a job to finish; exit 0 if it completed, 1 otherwise",
  args: "<job-id>",
  flags: {
    timeout: { type: "int", min: 1, placeholder: "seconds", description: "give up after this long" },
    interval: { type: "int", min: 1, placeholder: "seconds", description: "first poll interval (default 2)" },
  },
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    const spinner = startSpinner(io.stderr, `waiting for ${id}`);
    const timeout = intFlag(parsed, "timeout");
    let said = "";
    const job = await makeClient()
      .jobs.wait(id, {
        pollInterval: (intFlag(parsed, "interval") ?? 2) * 1000,
        timeout: timeout === undefined ? undefined : timeout * 1000,
        onProgress: ({ job, elapsedMs }) => {
          const now = `${id}: ${job.status}${job.status === "pending" && job.waiting_reason ? ` — ${job.waiting_reason}` : ""}`;
          spinner.update(`${now} (${Math.round(elapsedMs / 1000)}s)`);
          // Without a terminal there is no spinner: say each new status or waiting reason once.
          if (!io.stderr.isTTY && now !== said) io.stderr.write(`${now}\n`);
          said = now;
        },
      })
      .finally(() => spinner.stop());
    if (parsed.flags.json) printJson(io, job);
    else io.stdout.write(`${job.id}\t${job.status}\n`);
    return job.status === "completed" ? EXIT.ok : EXIT.failed;
  },
};
