// Result uploads to one run at the same time, through the real worker-api: each gets its own
// `file` event (the seq is allocated in SQL under the run's lock, public.append_result_file_event;
// a max+1 read in TypeScript let two concurrent uploads take the same seq and drop one event),
// and the same file uploaded concurrently (a retry racing the original) still adds one event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimedRun as claimedRunOf } from "../support/claimed-run.ts";
import { type client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
const IMAGE = "concurrent/results:1";

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const claimedRun = (key: string) => claimedRunOf(stack, key, IMAGE);

const upload = (worker: ReturnType<typeof client>, runId: string, path: string, content: string) =>
  worker("POST", `/worker-api/runs/${runId}/results?path=${encodeURIComponent(path)}`, content, {
    "content-type": "application/octet-stream",
  });

async function fileEvents(runId: string) {
  return stack.db.sql<{ seq: string; path: string }[]>`
    select seq::text, data ->> 'path' as path from public.events
    where run_id = ${runId} and type = 'file' order by seq`;
}

describe("concurrent result uploads", () => {
  it("give every file its own event and seq", { timeout: 120_000 }, async () => {
    const { runId, worker } = await claimedRun("distinct");
    const paths = Array.from({ length: 12 }, (_, i) => `outputs/part-${i}.txt`);
    const answers = await Promise.all(paths.map((p) => upload(worker, runId, p, `content of ${p}`)));
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    const seqs = answers.map((a) => Number(a.body.event_seq));
    expect(new Set(seqs).size).toBe(paths.length);
    const events = await fileEvents(runId);
    expect(events.map((e) => e.path).sort()).toEqual([...paths].sort());
    expect(events.map((e) => Number(e.seq)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: paths.length }, (_, i) => 1_000_000_000 + i),
    );
  });

  it("add one event for the same file uploaded several times at once", { timeout: 120_000 }, async () => {
    const { runId, worker } = await claimedRun("same");
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => upload(worker, runId, "model/weights.bin", "the same bytes")),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(new Set(answers.map((a) => a.body.event_seq)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.file_id)).size).toBe(1);
    expect(await fileEvents(runId)).toHaveLength(1);
  });
});
