import { randomUUID } from "node:crypto";
import { FakeWorkerApi } from "./fake-worker-api.ts";
import type { LoopHarness } from "./loop-harness.ts";
import { serveFetchApp } from "./serve-fetch-app.ts";

export async function fakeLoopHarness(): Promise<LoopHarness & { fake: FakeWorkerApi }> {
  const fake = new FakeWorkerApi({
    timings: { heartbeat_interval_ms: 50, lease_ms: 60_000, claim_wait_ms: 200 },
  });
  const served = await serveFetchApp((request) => fake.app.fetch(request));
  fake.setOrigin(served.origin);
  const image = "ow-test-image";
  const workerOf = new Map<string, string>();
  return {
    fake,
    apiUrl: `${served.origin}/functions/v1`,
    image,
    async newWorkerToken() {
      const token = `ow_test_${randomUUID()}`;
      const workerId = `worker-${workerOf.size + 1}`;
      workerOf.set(token, workerId);
      fake.addWorkerToken(token, workerId);
      return token;
    },
    async submitJob(job) {
      return fake.submitJob({ ...job, image });
    },
    async job(jobId) {
      const job = fake.jobs.get(jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      const runs = fake.runsOf(jobId).map((r) => ({
        id: r.id,
        attempt: r.attempt,
        status: r.status,
        failure_kind: r.failure_kind,
        exit_code: r.exit_code,
      }));
      return { status: job.status, runs };
    },
    async cancelJob(jobId) {
      fake.cancelJob(jobId);
    },
    async breakLease(runId) {
      fake.breakLease(runId);
    },
    async logLines(runId) {
      const run = fake.runs.get(runId);
      if (!run) return [];
      const seqs = [...run.logBatches.keys()].sort((a, b) => a - b);
      return seqs.flatMap((seq) => {
        const batch = run.logBatches.get(seq) as { streams: string; lines: string[] };
        return batch.lines.map((line, i) => ({ stream: batch.streams[i] as "o" | "e", line }));
      });
    },
    async events(runId) {
      const run = fake.runs.get(runId);
      if (!run) return [];
      const seqs = [...run.events.keys()].sort((a, b) => a - b);
      return [...seqs.map((s) => run.events.get(s) as Record<string, unknown>), ...run.fileEvents];
    },
    async results(runId) {
      const run = fake.runs.get(runId);
      return (run?.results ?? []).map((r) => ({ path: r.path, content: r.content.toString("utf8") }));
    },
    async workerStopped(token) {
      const workerId = workerOf.get(token);
      return workerId !== undefined && (fake.workers.get(workerId)?.stopped ?? null) !== null;
    },
    close: () => served.close(),
  };
}
