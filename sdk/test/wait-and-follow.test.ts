import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { OpenWeights, WaitTimeoutError } from "../src/index.ts";
import { run } from "../src/job/index.ts";
import { BASE_URL, fakeClock, fakeFetch, type Handler, jobBody, json } from "./support/fake-fetch.ts";

const RUN = "00000000-0000-4000-8000-0000000000aa";

function client(routes: Record<string, Handler>) {
  const fake = fakeFetch(routes);
  const clock = fakeClock();
  return {
    ow: new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch: fake.fetch, clock }),
    clock,
    ...fake,
  };
}

describe("jobs.wait", () => {
  it("polls until a terminal status, reporting progress and slowing down while nothing changes", async () => {
    const statuses = ["pending", "pending", "pending", "in_progress", "failed"];
    const { ow, clock } = client({
      "GET /api/jobs/j": (_c, n) => json(jobBody({ status: statuses[n - 1] })),
    });
    const seen: string[] = [];
    const job = await ow.jobs.wait("j", { pollInterval: 1000, onProgress: (p) => seen.push(p.job.status) });
    expect(job.status).toBe("failed");
    expect(seen).toEqual(statuses);
    expect(clock.sleeps).toEqual([1000, 1500, 2250, 1000]);
  });

  it("gives up with WaitTimeoutError when the job stays pending", async () => {
    const { ow } = client({ "GET /api/jobs/j": () => json(jobBody({ status: "pending" })) });
    await expect(ow.jobs.wait("j", { pollInterval: 1000, timeout: 5000 })).rejects.toBeInstanceOf(
      WaitTimeoutError,
    );
  });
});

describe("logs.follow", () => {
  it("long-polls after the last sequence number and ends when the run has finished", async () => {
    const pages = [
      {
        run_id: RUN,
        chunks: [{ run_id: RUN, seq: 0, streams: "oe", lines: ["hello", "oops"], created_at: "t" }],
        next_after_seq: 0,
        run_finished: false,
      },
      {
        run_id: RUN,
        chunks: [{ run_id: RUN, seq: 1, streams: "o", lines: ["bye"], created_at: "t" }],
        next_after_seq: 1,
        run_finished: true,
      },
      { run_id: RUN, chunks: [], next_after_seq: 1, run_finished: true },
    ];
    const { ow, calls } = client({ "GET /api/jobs/j/logs": (_c, n) => json(pages[n - 1]) });
    const lines: string[] = [];
    for await (const line of ow.logs.follow("j")) lines.push(`${line.stream}:${line.text}`);
    expect(lines).toEqual(["stdout:hello", "stderr:oops", "stdout:bye"]);
    expect(calls.map((c) => c.query.get("after_seq"))).toEqual(["-1", "0", "1"]);
    expect(calls[1]?.query.get("run_id")).toBe(RUN);
    expect(calls[0]?.query.get("wait")).toBe("20");
  });

  it("keeps waiting, politely, while the job has no run yet", async () => {
    const pages = [
      { run_id: null, chunks: [], next_after_seq: -1, run_finished: false },
      { run_id: RUN, chunks: [], next_after_seq: -1, run_finished: true },
    ];
    const { ow, clock } = client({ "GET /api/jobs/j/logs": (_c, n) => json(pages[n - 1]) });
    const lines = [];
    for await (const line of ow.logs.follow("j")) lines.push(line);
    expect(lines).toEqual([]);
    expect(clock.sleeps).toEqual([1000]);
  });
});

describe("run (job-side helper)", () => {
  let dir = "";
  afterEach(() => {
    vi.unstubAllEnvs();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads params.json, appends events as JSONL and copies uploads", () => {
    dir = mkdtempSync(join(tmpdir(), "ow-run-"));
    writeFileSync(join(dir, "params.json"), JSON.stringify({ a: 1, b: 2 }));
    writeFileSync(join(dir, "model.txt"), "weights");
    vi.stubEnv("OPENWEIGHTS_PARAMS", join(dir, "params.json"));
    vi.stubEnv("OPENWEIGHTS_EVENTS", join(dir, "events.jsonl"));
    vi.stubEnv("OPENWEIGHTS_UPLOADS", join(dir, "uploads"));
    expect(run.params(z.object({ a: z.number(), b: z.number() }))).toEqual({ a: 1, b: 2 });
    run.log({ step: 1, loss: 0.5 });
    run.log({ step: 2, loss: 0.25 });
    expect(readFileSync(join(dir, "events.jsonl"), "utf8")).toBe(
      '{"step":1,"loss":0.5}\n{"step":2,"loss":0.25}\n',
    );
    const landed = run.upload(join(dir, "model.txt"), "final/model.txt");
    expect(readFileSync(landed, "utf8")).toBe("weights");
    expect(landed).toBe(join(dir, "uploads", "final", "model.txt"));
    expect(() => run.upload(join(dir, "model.txt"), "../escape.txt")).toThrow(/escapes/);
  });
});
