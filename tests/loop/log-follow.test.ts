// Following a job's logs across attempts (issue 15): a job that fails twice and then succeeds,
// followed from the start and from the middle, reads as one ordered stream — an attempt header
// before each run's lines, every line exactly once — with a bounded number of api requests.
// Before, `ow logs -f` re-read the finished attempt in a tight loop while the job waited for its
// retry (one run printed the same line ~150 times).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobLogItem, OpenWeights } from "../../sdk/src/node/index.ts";
import { runCliInProcess } from "../../sdk/test/support/cli-in-process.ts";
import { countingClient, type LoopStack, startLoopStack } from "./real-stack.ts";

let loop: LoopStack;
beforeAll(async () => {
  loop = await startLoopStack("w-follow");
}, 120_000);
afterAll(async () => loop?.stop());

// Three lines per attempt; attempts 1 and 2 exit 3 (user_error), attempt 3 succeeds.
const SCRIPT = `for i in 1 2 3; do echo "attempt $OPENWEIGHTS_ATTEMPT line $i"; done; echo "to stderr" >&2; sleep 1; [ "$OPENWEIGHTS_ATTEMPT" -ge 3 ] || exit 3`;
const EXPECTED = [1, 2, 3].flatMap((a) => [
  `header ${a}`,
  ...[1, 2, 3].map((i) => `stdout attempt ${a} line ${i}`),
  "stderr to stderr",
]);

function render(items: JobLogItem[]): string[] {
  return items.flatMap((item) =>
    item.type === "attempt"
      ? [`header ${item.attempt}`]
      : item.type === "line"
        ? [`${item.stream} ${item.text}`]
        : [],
  );
}

async function collect(client: OpenWeights, jobId: string): Promise<JobLogItem[]> {
  const items: JobLogItem[] = [];
  for await (const item of client.logs.stream(jobId)) items.push(item);
  return items;
}

describe("following a job's logs across attempts", () => {
  it("reads every attempt once, in order, from the start and from the middle", {
    timeout: 120_000,
  }, async () => {
    const { client: submitter } = countingClient(loop.stack);
    const job = await submitter.jobs.create({
      type: "custom",
      image: "python:3.12-slim",
      entrypoint: ["sh", "-c", SCRIPT],
      requires_vram_gb: 0,
      max_attempts: 3,
    });
    const fromStart = countingClient(loop.stack);
    const started = collect(fromStart.client, job.id);
    // The second follower joins once attempt 2 exists: it must still print attempt 1 first.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [row] = await loop.stack.db.sql`select attempts from jobs where id = ${job.id}`;
      if (Number(row?.attempts) >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const fromMiddle = countingClient(loop.stack);
    const [a, b] = await Promise.all([started, collect(fromMiddle.client, job.id)]);
    for (const items of [a, b]) {
      expect(render(items)).toEqual(EXPECTED);
      const end = items.at(-1);
      expect(end?.type === "end" && end.job.status).toBe("completed");
    }
    const headers = a.filter((i) => i.type === "attempt");
    expect(
      headers.map((h) => h.type === "attempt" && `${h.attempt}/${h.max_attempts} ${h.run.worker_id}`),
    ).toEqual(["1/3 w-follow", "2/3 w-follow", "3/3 w-follow"]);
    // ~3 s of job: a handful of requests per attempt, never a loop (the old follower made hundreds; 12 measured).
    expect(fromStart.requests.length).toBeLessThan(30);
    expect(fromMiddle.requests.length).toBeLessThan(30);
    console.log(
      `requests: from the start ${fromStart.requests.length}, from the middle ${fromMiddle.requests.length}`,
    );

    // The CLI prints the same stream: headers on stderr, the job's lines on their streams.
    const cli = await runCliInProcess(["logs", job.id], {
      env: { OPENWEIGHTS_API_URL: loop.stack.url, OPENWEIGHTS_API_KEY: loop.stack.adminToken },
    });
    expect(cli.code).toBe(0);
    expect(cli.stdout.trim().split("\n")).toEqual(
      [1, 2, 3].flatMap((n) => [1, 2, 3].map((i) => `attempt ${n} line ${i}`)),
    );
    expect(cli.stderr.trim().split("\n")).toEqual(
      [1, 2, 3].flatMap((n) => [`── attempt ${n}/3 on worker w-follow`, "to stderr"]),
    );
    const asJson = await runCliInProcess(["logs", job.id, "--json"], {
      env: { OPENWEIGHTS_API_URL: loop.stack.url, OPENWEIGHTS_API_KEY: loop.stack.adminToken },
    });
    const records = asJson.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(records.map((r) => r.type)).toEqual([
      ...[1, 2, 3].flatMap(() => ["attempt", "line", "line", "line", "line"]),
      "end",
    ]);
    expect(asJson.stderr).toBe("");
  });

  it("ow exec --wait runs a failing command once, streams it and exits 1; --json frames it", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ow-exec-"));
    writeFileSync(join(dir, "note.txt"), "mounted\n");
    const env = { OPENWEIGHTS_API_URL: loop.stack.url, OPENWEIGHTS_API_KEY: loop.stack.adminToken };
    try {
      const run = await runCliInProcess(
        ["exec", "--vram", "0", "--wait", "cat note.txt; echo oops >&2; exit 3"],
        {
          env,
          cwd: dir,
        },
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("mounted\n");
      const jobId = /^job (\S+) \(/m.exec(run.stderr)?.[1];
      expect(run.stderr).toContain("── attempt 1/1 on worker w-follow\noops\n");
      expect(run.stderr).toMatch(/job \S+ failed/);
      // A failure of the job's own code is not retried unless asked: one run.
      const [row] = await loop.stack.db
        .sql`select attempts, status, failure_kind from jobs where id = ${jobId!}`;
      expect(row).toMatchObject({ attempts: 1, status: "failed", failure_kind: "user_error" });

      const framed = await runCliInProcess(
        ["exec", "--vram", "0", "--wait", "--json", "--", "echo", "framed"],
        {
          env,
          cwd: dir,
        },
      );
      expect(framed.code).toBe(0);
      const records = framed.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.filter((r) => r.type === "line").map((r) => r.text)).toEqual(["framed"]);
      expect(records.at(-1)).toMatchObject({ type: "end", job: { status: "completed" } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
