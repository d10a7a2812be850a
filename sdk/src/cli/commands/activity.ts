/** ow runs ls <job>, ow events <job>, ow jobs download <job> [dir]: what a job did, within reach. */

import { paintStatus } from "../colour.ts";
import { type Command, EXIT, intFlag, noExtraPositionals, positional, stringFlag } from "../command.ts";
import { collect, formatBytes, makeClient, printJson, printTable } from "../context.ts";

export const runsList: Command = {
  path: ["runs", "ls"],
  summary: "list a job's runs (attempts), oldest first",
  args: "<job-id>",
  flags: {},
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    const runs = await makeClient().runs.list(id);
    if (parsed.flags.json) printJson(io, runs);
    else
      printTable(
        io,
        ["ATTEMPT", "STATUS", "WORKER", "EXIT", "STARTED", "FINISHED", "RUN ID", "FAILURE"],
        runs.map((r) => [
          String(r.attempt),
          r.status,
          r.worker_id ?? "-",
          r.exit_code === null ? "-" : String(r.exit_code),
          r.started_at,
          r.finished_at ?? "-",
          r.id,
          r.failure_kind ? `${r.failure_kind}: ${r.failure_message ?? ""}` : "",
        ]),
        (cell, column) =>
          column === 1 ? paintStatus(io.stdout, cell.trim()) + cell.slice(cell.trim().length) : cell,
      );
    return EXIT.ok;
  },
};

export const eventsList: Command = {
  path: ["events"],
  summary: "print a job's events (metrics, checkpoints, files), oldest first",
  args: "<job-id>",
  flags: {
    type: { type: "string", description: "only events of this type" },
    "run-id": { type: "string", placeholder: "uuid", description: "only this run" },
    limit: { type: "int", min: 1, description: "at most this many (default 1000)" },
  },
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 1);
    const limit = intFlag(parsed, "limit") ?? 1000;
    const events = await collect(
      makeClient().events.list(id, {
        type: stringFlag(parsed, "type"),
        run_id: stringFlag(parsed, "run-id"),
        limit: Math.min(limit, 1000),
      }),
      limit,
    );
    if (parsed.flags.json) printJson(io, events);
    else
      printTable(
        io,
        ["SEQ", "TYPE", "CREATED", "DATA"],
        events.map((e) => [String(e.seq), e.type ?? "-", e.created_at, JSON.stringify(e.data)]),
      );
    return EXIT.ok;
  },
};

export const jobsDownload: Command = {
  path: ["jobs", "download"],
  summary: "download a job's logs, result files and events into a directory (default ./<job-id>)",
  args: "<job-id> [dir]",
  flags: {},
  async run(parsed, io) {
    const id = positional(parsed, 0, "job-id");
    noExtraPositionals(parsed, 2);
    const dir = parsed.positionals[1] ?? id;
    const result = await makeClient().jobs.download(id, dir, {
      onProgress: (p) => io.stderr.write(`[${p.index}/${p.total}] ${p.path} (${formatBytes(p.bytes)})\n`),
    });
    if (parsed.flags.json) printJson(io, result);
    else io.stdout.write(`${result.dir}\n`);
    return EXIT.ok;
  },
};
