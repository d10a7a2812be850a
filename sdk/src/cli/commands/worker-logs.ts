/** workers logs <id>: what happened on a worker outside any run (boot, start, GPU health, crash). */
import { type Command, EXIT, intFlag, noExtraPositionals, positional } from "../command.ts";
import { makeClient } from "../context.ts";

const PAGE = 1000;

export const workersLogs: Command = {
  path: ["workers", "logs"],
  summary: "print a worker's own log: pod boot, worker start, GPU health, registration, crash",
  args: "<worker-id>",
  flags: {
    after: { type: "int", min: 0, description: "only lines after this line id" },
    follow: { type: "boolean", short: "f", description: "keep printing new lines (Ctrl-C to stop)" },
  },
  async run(parsed, io) {
    const id = positional(parsed, 0, "worker-id");
    noExtraPositionals(parsed, 1);
    const client = makeClient();
    let after = intFlag(parsed, "after") ?? 0;
    for (;;) {
      const page = await client.workers.logs(id, { after, limit: PAGE });
      // JSON lines: one object per log line, so pages and --follow append to one valid stream
      if (parsed.flags.json) io.stdout.write(page.data.map((l) => `${JSON.stringify(l)}\n`).join(""));
      else io.stdout.write(page.data.map((l) => `${l.created_at} [${l.source}] ${l.line}\n`).join(""));
      after = page.next_after ?? after;
      if (page.data.length === PAGE) continue;
      if (parsed.flags.follow !== true) return EXIT.ok;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  },
};
